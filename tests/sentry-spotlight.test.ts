import { createServer } from 'node:http';
import { resetEnvCache } from '@app/env';
import { withObservability } from '@app/observability';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Spotlight's sidecar receives envelopes at POST /stream; this stands in for it at the network edge.
describe('Spotlight (local, opt-in)', () => {
  const received: string[] = [];
  const sidecar = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/stream') received.push(body);
      response.writeHead(200).end();
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => sidecar.listen(0, '127.0.0.1', resolve));
    const address = sidecar.address();
    Object.assign(process.env, {
      CONTEXT: 'dev',
      LOG_LEVEL: 'error',
      SENTRY_SPOTLIGHT: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/stream`,
    });
    delete process.env.SENTRY_DSN;
    resetEnvCache();
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
    sidecar.close();
  });

  it('should send errors to the sidecar without any DSN', async () => {
    const pending: Promise<unknown>[] = [];
    const handler = withObservability(async () => {
      throw new Error('shown in Spotlight');
    });
    const response = await handler(new Request('http://localhost/x'), { waitUntil: (p) => pending.push(p) });
    const { error } = (await response.json()) as { error: { errorId: string } };
    await Promise.all(pending);
    const deadline = Date.now() + 5_000;
    while (!received.some((body) => body.includes(error.errorId)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received.some((body) => body.includes(error.errorId) && body.includes('shown in Spotlight'))).toBe(true);
  });
});
