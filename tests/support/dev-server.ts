import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@app/stack/free-port';
import { repositoryRoot, stopProcessGroup } from '@app/stack/netlify-dev';

/** The last line of pnpm dev's start-up banner. */
const READY_LINE = 'Ctrl-C stops everything.';

export interface DevServer {
  baseUrl: string;
  /** The process group `pnpm dev` runs in (the test started it detached). */
  pid: number;
  /** Everything the stack printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Boots `pnpm dev` (scripts/dev.ts) — or `pnpm serve` — exactly as a developer would, on free ports, with `env` on top
 * of the test's environment. Pass DATABASE_URL to use the run's PostgreSQL; leave it out to get
 * the embedded one.
 */
export async function startDevServer(
  env: Record<string, string | undefined> = {},
  { command = 'dev', args = [] }: { command?: 'dev' | 'serve'; args?: readonly string[] } = {},
): Promise<DevServer> {
  const port = await freePort();
  const proxyPort = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules/.bin/tsx'),
    [`scripts/${command}.ts`, '--port', String(port), ...args],
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
    child.once('exit', (code) => reject(new Error(`pnpm ${command} exited early (${code}):\n${output}`))),
  );
  exited.catch(() => {}); // after a deliberate stop the exit is expected
  // Ready when pnpm dev prints its banner (after its own health probe), as a developer sees it.
  const ready = (async () => {
    const deadline = Date.now() + 120_000;
    while (!output.includes(READY_LINE)) {
      if (Date.now() > deadline) throw new Error(`pnpm ${command} printed no banner within 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await Promise.race([ready, exited]);
  return {
    baseUrl,
    pid: child.pid as number,
    output: () => output,
    stop: () => stopProcessGroup(child),
  };
}

/**
 * `pnpm serve` on the zips the test has built (`--no-build`), with `env` on top; its functions' log
 * lines off unless `quiet` is false (a test that reads what the functions print).
 */
export function startServe(
  env: Record<string, string | undefined>,
  args: readonly string[] = [],
  { quiet = true } = {},
): Promise<DevServer> {
  return startDevServer(env, { command: 'serve', args: ['--no-build', ...(quiet ? ['--quiet'] : []), ...args] });
}
