/** What the `pnpm serve` tests share: one token, the stats endpoint, and serve on the run's database. */
import { execFileSync } from 'node:child_process';
import type { FunctionStats } from '@app/runtime/function-instances';
import type { ServeStats } from '@app/runtime/serve';
import { statsPath } from '@app/runtime/serve';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase } from './database.ts';
import type { DevServer } from './dev-server.ts';
import { startServe } from './dev-server.ts';
import type { FakeSentry } from './fake-sentry.ts';
import { startFakeSentry } from './fake-sentry.ts';
import type { PausableProxy } from './pausable-proxy.ts';
import { startPausableProxy } from './pausable-proxy.ts';

/** The API token every `pnpm serve` of the suite runs with. */
export const token = 'serve-test-token-0123456789abcdef';
export const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();
export const IDLE_TIMEOUT_MS = 1_000;

export async function stats(server: DevServer): Promise<ServeStats> {
  return (await fetch(new URL(statsPath, server.baseUrl))).json() as Promise<ServeStats>;
}

export async function functionStats(server: DevServer, name: string): Promise<FunctionStats> {
  const found = (await stats(server)).functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name} in ${statsPath}`);
  return found;
}

/**
 * The status of a GET, after reading the whole answer as a client that waits for it does: an
 * instance is busy until its response has ended, so a request sent as soon as the headers arrive
 * may rightly meet a busy instance and start another (as on Lambda) — a count of cold starts
 * must not depend on that race.
 */
export async function getStatus(server: DevServer, path: string): Promise<number> {
  const response = await fetch(new URL(path, server.baseUrl));
  await response.arrayBuffer();
  return response.status;
}

export const allFrozen = (f: FunctionStats) =>
  f.live > 0 && f.instances.every((i) => i.state === 'frozen' || i.state === 'dead');

/**
 * `pnpm serve` on the run's database. `--no-pooler` unless a test says otherwise: these tests count
 * the app's server connections, which a pooler in between would hold on to.
 */
export function serve(
  testDb: TestDatabase,
  args: string[],
  env: Record<string, string | undefined> = {},
  { quiet = true } = {},
) {
  return startServe(
    {
      DATABASE_URL: testDb.url,
      API_TOKEN: token,
      DB_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      LOG_LEVEL: 'warn',
      ...env,
    },
    args.includes('--pooler') ? args.filter((arg) => arg !== '--pooler') : ['--no-pooler', ...args],
    { quiet },
  );
}

/**
 * `pnpm serve` whose database is behind a proxy the test can pause or make drop replies
 * (pausable-proxy.ts): a database that stops answering on cue. `stop` ends both.
 */
export async function serveBehindPausableDatabase(
  testDb: TestDatabase,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ server: DevServer; database: PausableProxy; stop(): Promise<void> }> {
  const url = new URL(testDb.url);
  const database = await startPausableProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${database.port}`;
  const server = await serve(testDb, args, { DATABASE_URL: url.toString(), ...env });
  return {
    server,
    database,
    async stop() {
      database.resume();
      database.releaseReplies();
      await server.stop();
      await database.close();
    },
  };
}

/**
 * `serveBehindPausableDatabase` for the enclosing `describe`: started before its tests, stopped
 * after them. Read `server` and `database` inside the tests.
 */
export function useServeBehindPausableDatabase(
  testDb: () => TestDatabase,
  args: string[] = [],
  env: Record<string, string> = {},
): { server: DevServer; database: PausableProxy } {
  const served = {} as { server: DevServer; database: PausableProxy; stop?: () => Promise<void> };
  beforeAll(async () => {
    Object.assign(served, await serveBehindPausableDatabase(testDb(), args, env));
  });
  afterAll(() => served.stop?.());
  return served;
}

/**
 * `pnpm serve` reporting to a local Sentry receiver, the functions' own lines printed (the tests
 * read them). `stop` ends both.
 */
export async function serveWithFakeSentry(
  testDb: TestDatabase,
  env: Record<string, string>,
): Promise<{ server: DevServer; sentry: FakeSentry; stop(): Promise<void> }> {
  const sentry = await startFakeSentry();
  const server = await serve(testDb, [], { SENTRY_DSN: sentry.dsn, ...env }, { quiet: false });
  return {
    server,
    sentry,
    async stop() {
      await server.stop();
      await sentry.close();
    },
  };
}
