import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { devLockFile, isProcessAlive } from '@app/stack/dev-lock';
import { freePort } from '@app/stack/free-port';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';
import { listeningAddresses, processTree } from './support/listening.ts';
import { rawRequest } from './support/raw-request.ts';
import { runScript } from './support/run-script.ts';

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}

/** What each process runs, to name the ones left behind. */
function commandLines(pids: readonly number[]): string[] {
  return pids.map((pid) => {
    try {
      return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`;
    } catch {
      return `${pid}: (gone)`;
    }
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('pnpm dev survives any single request', () => {
  let app: DevServer;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'warn' });
  });
  afterAll(() => app?.stop());

  const big = 'x'.repeat(7 * 1024 * 1024);
  it.each([
    ['a body over 6 MB with Content-Length', { body: big }, 413, 'payload_too_large'],
    [
      'a body over 6 MB without Content-Length',
      { body: new Blob([big]).stream(), duplex: 'half' },
      413,
      'payload_too_large',
    ],
  ])('should answer %s with the standard error body, and keep serving', async (_, init, status, code) => {
    const response = await fetch(`${app.baseUrl}/api/proposals`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer dev-token-not-for-production' },
      ...(init as RequestInit),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
  });

  it.each(['/api/proposals/%E0%A4%A', '/api/%', '/.netlify/functions/proposals/%zz'])(
    'should answer the malformed path %s with 400 and keep serving',
    async (path) => {
      const response = await fetch(`${app.baseUrl}${path}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
      expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
    },
  );

  it.each(['TRACE', 'PROPFIND'])('should answer %s with 405 and Allow, never a stack trace', async (method) => {
    const answer = await rawRequest(app.baseUrl, { method, path: '/api/proposals' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toContain('GET');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'method_not_allowed', message: expect.any(String) } });
    expect(answer.body).not.toContain(repositoryRoot);
  });

  it('should answer a malformed Host with 400', async () => {
    const answer = await rawRequest(app.baseUrl, { path: '/api/health', headers: { Host: 'exa mple.com' } });
    expect(answer.status).toBe(400);
  });

  it("should drop a client's x-nf-* headers, as Netlify's edge does: no forged production context", async () => {
    const answer = await rawRequest(app.baseUrl, {
      path: '/api/health',
      headers: { 'x-nf-deploy-context': 'production', 'x-nf-client-connection-ip': '203.0.113.7' },
    });
    // As production, this dev environment would be refused (503 misconfigured).
    expect(answer.status).toBe(200);
  });

  it('should end the answer to HEAD', async () => {
    const answer = await rawRequest(app.baseUrl, { method: 'HEAD', path: '/api/health' });
    expect(answer).toMatchObject({ status: 200, body: '' });
  });

  it('should listen on loopback only, netlify dev included', () => {
    const addresses = listeningAddresses(processTree(app.pid));
    expect(addresses.length).toBeGreaterThanOrEqual(3); // the front door, the WebSocket proxy, netlify dev
    expect(addresses.filter((address) => !/^(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(address))).toEqual([]);
  });

  it('should refuse a second pnpm dev in the same checkout in one line, touching nothing', async () => {
    const bundle = join(repositoryRoot, 'dist/functions/health.mjs');
    const before = statSync(bundle).mtimeMs;
    const second = await runScript('dev', ['--port', String(await freePort())]);
    expect(second.code).toBe(1);
    expect(second.output.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`already running in this checkout .*http://localhost:${new URL(app.baseUrl).port}`),
      ),
    ]);
    expect(statSync(bundle).mtimeMs).toBe(before);
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
  });
});

describe('pnpm dev leaves nothing behind', () => {
  it.each(['SIGHUP', 'SIGKILL'] as const)('should stop the whole stack when it gets %s', async (signal) => {
    const app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'warn' });
    const netlifyPort = /netlify dev\s+127\.0\.0\.1:(\d+)/.exec(app.output())?.[1];
    expect(netlifyPort).toBeDefined();
    const lock = JSON.parse(readFileSync(devLockFile, 'utf8')) as { pid: number };
    const started = processTree(app.pid);
    try {
      if (signal === 'SIGHUP') {
        // A closed terminal: the hang-up reaches the whole foreground group.
        process.kill(-app.pid, 'SIGHUP');
      } else {
        // A crash of the dev script itself: no handler runs.
        process.kill(lock.pid, 'SIGKILL');
      }
      await waitUntil(() => started.every((pid) => !isProcessAlive(pid)));
      expect(commandLines(started.filter(isProcessAlive))).toEqual([]);
      expect(await answers(`http://127.0.0.1:${netlifyPort}/`)).toBe(false);
      expect(await answers(`${app.baseUrl}/api/health`)).toBe(false);
    } finally {
      await app.stop();
    }
  });

  it('should refuse a busy port in one line instead of reporting success', async () => {
    const squatter = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runScript('dev', ['--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.output.trim().split('\n')).toEqual([expect.stringContaining(`port ${port} is already in use`)]);
    } finally {
      squatter.close();
    }
  });
});
