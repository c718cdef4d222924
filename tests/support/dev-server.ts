import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repositoryRoot, stopProcessGroup, waitForHttp } from '../../scripts/lib/netlify-dev.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface DevServer {
  baseUrl: string;
  /** Everything the stack printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Boots `pnpm dev` (scripts/dev.ts) exactly as a developer would, on free ports, with `env` on top
 * of the test's environment. Pass DATABASE_URL to use the run's PostgreSQL; leave it out to get
 * the embedded one.
 */
export async function startDevServer(env: Record<string, string | undefined> = {}): Promise<DevServer> {
  const port = await freePort();
  const proxyPort = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules/.bin/tsx'),
    ['scripts/dev.ts', '--port', String(port)],
    {
      cwd: repositoryRoot,
      env: { ...process.env, DB_WS_PROXY: `127.0.0.1:${proxyPort}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const baseUrl = `http://localhost:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`pnpm dev exited early (${code}):\n${output}`))),
  );
  exited.catch(() => {}); // after a deliberate stop the exit is expected
  await Promise.race([waitForHttp(`${baseUrl}/api/health`), exited]);
  return {
    baseUrl,
    output: () => output,
    stop: () => stopProcessGroup(child),
  };
}
