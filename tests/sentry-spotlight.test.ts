import { resetEnvCache } from '@app/env';
import { withObservability } from '@app/observability';
import { freePort } from '@app/stack/free-port';
import { startSpotlight } from '@app/stack/spotlight';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The real Spotlight sidecar (offline, from the registry), read through its event stream.
describe('Spotlight (local, opt-in)', () => {
  let sidecar: Awaited<ReturnType<typeof startSpotlight>>;
  const stream = new AbortController();
  let received = '';
  beforeAll(async () => {
    sidecar = await startSpotlight(await freePort());
    const response = await fetch(`${sidecar.url}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: stream.signal,
    });
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) received += decoder.decode(chunk);
    })().catch(() => {});
    Object.assign(process.env, { CONTEXT: 'dev', LOG_LEVEL: 'error', SENTRY_SPOTLIGHT: `${sidecar.url}/stream` });
    delete process.env.SENTRY_DSN;
    resetEnvCache();
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    stream.abort();
    await sidecar?.stop();
  });

  it('should show errors in the sidecar without any DSN', async () => {
    const pending: Promise<unknown>[] = [];
    const handler = withObservability(async () => {
      throw new Error('shown in Spotlight');
    });
    const response = await handler(new Request('http://localhost/x'), { waitUntil: (p) => pending.push(p) });
    const { error } = (await response.json()) as { error: { errorId: string } };
    await Promise.all(pending);
    const deadline = Date.now() + 10_000;
    while (!(received.includes(error.errorId) && received.includes('shown in Spotlight')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(received).toContain(error.errorId);
    expect(received).toContain('shown in Spotlight');
  });
});
