import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from '@app/stack/free-port';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real PostgreSQL for this run (trust or password auth, database with the tests' tables). */
    databaseUrl: string;
  }
}

const root = resolve(import.meta.dirname, '../..');

/** `TEST_DATABASE_URL`, else the PostgreSQL CI machines run. */
const configuredUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function reachable(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 5432), hostname, () => done(true));
  });
}

/**
 * Tests need a real PostgreSQL. Where none answers at the configured URL (a fresh laptop), start
 * one from the `embedded-postgres` package — real PostgreSQL binaries shipped in the registry —
 * in a child process (see embedded-postgres-server.ts for why) and stop it afterwards.
 */
export default async function setup(project: TestProject) {
  if (await reachable(configuredUrl)) {
    project.provide('databaseUrl', configuredUrl);
    return;
  }
  const port = await freePort();
  console.log(`[tests] no PostgreSQL at ${new URL(configuredUrl).host}; starting an embedded one on port ${port}`);
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'tests/support/embedded-postgres-server.ts'), String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}):\n${output}`)));
  });
  project.provide('databaseUrl', url);
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
