import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { resetEnvCache } from '@app/env';
import { flushObservability, withObservability } from '@app/observability';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failing = withObservability(async () => {
  throw new Error('boom');
});

async function timeErrors(count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await failing(new Request('http://localhost/x'), { waitUntil: () => {} });
    await response.text();
    expect(response.status).toBe(500);
    times.push(performance.now() - started);
  }
  return times;
}

/** How long the reporter's flush waits for an ingest that never answers (@app/observability). */
const FLUSH_TIMEOUT_MS = 2_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('Sentry ingest down', () => {
  // Accepts connections and never answers: the worst case for a client that waits.
  const sockets: import('node:net').Socket[] = [];
  const blackHole = createServer((socket) => sockets.push(socket));
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    blackHole.close();
    vi.restoreAllMocks();
  });

  it('should not slow error responses compared with no DSN at all', async () => {
    // A failing request prints its error line and its buffered lines: keep them out of the test output.
    for (const method of ['error', 'warn', 'info', 'log', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation(() => {});
    }
    process.env.CONTEXT = 'dev';
    process.env.LOG_LEVEL = 'warn';
    delete process.env.SENTRY_DSN;
    resetEnvCache();
    await timeErrors(5);
    const withoutDsn = await timeErrors(30);

    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    process.env.SENTRY_DSN = `http://key@127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/1`;
    resetEnvCache();
    await timeErrors(5); // the first error loads the SDK in the background
    // Importing the SDK is synchronous work once it runs (hundreds of ms): wait until the warm-up
    // reports are settled, so the timed errors measure sending, not the one-time import.
    await flushObservability(5_000);
    const blackHoled = await timeErrors(30);

    // A send to a black hole only ends at the flush timeout (2 s): a response that waited for it
    // would take at least that long. Half of it is the line between "waited" and "did not", wide
    // enough for a machine under load; how close the two medians are is a figure, not a verdict.
    expect(sockets.length).toBeGreaterThan(0); // the reports did reach the black hole
    expect(Math.max(...blackHoled)).toBeLessThan(FLUSH_TIMEOUT_MS / 2);
    process.stdout.write(
      `error response median: ${median(withoutDsn).toFixed(1)} ms without a DSN, ${median(blackHoled).toFixed(1)} ms with the ingest black-holed\n`,
    );
  });

  it('should let a process that reported an error exit, though the ingest never answers', async () => {
    const address = blackHole.address();
    const dsn = `http://key@127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/1`;
    const started = Date.now();
    const child = spawn(join(repositoryRoot, 'node_modules/.bin/tsx'), ['tests/support/report-one-error.ts'], {
      cwd: repositoryRoot,
      env: { ...process.env, CONTEXT: 'dev', SENTRY_DSN: dsn, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Without a deadline on the SDK's request the process never exits; the kill only ends the test.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(killer);
    expect(output).toContain('STATUS 500');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(sockets.length).toBeGreaterThan(0); // the report did reach the black hole
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
