import type { Env } from '@app/env';
import type { Database, DatabaseOptions } from './database.ts';
import { createDatabase } from './database.ts';
import { DatabaseUnavailableError } from './errors.ts';

/**
 * How long an idle connection stays open. In production (a warm instance serves one request at a
 * time and is frozen between them) `DB_IDLE_TIMEOUT_MS`, 10 s by default, keeps a connection for
 * back-to-back requests yet gives it up well before Neon's proxy or a scale-to-zero compute would
 * drop it; timers do not fire while frozen, so a connection can still die under us, which the
 * pool's retry covers. Under netlify dev every request runs in a fresh worker whose module state
 * is thrown away (docs/platform.md#netlify-dev-workers): a connection left idle there only piles up and keeps the worker alive,
 * so it closes almost at once.
 */
const NETLIFY_DEV_IDLE_TIMEOUT_MS = 200;

/** The instance's pool and the URL it was built for. */
let current: { url: string; database: Database } | undefined;

/** The settings the shared pool is built from: values of the validated environment. */
export type DatabaseEnv = Pick<
  Env,
  | 'DATABASE_URL'
  | 'DB_POOL_MAX'
  | 'DB_CONNECT_TIMEOUT_MS'
  | 'DB_IDLE_TIMEOUT_MS'
  | 'DB_QUEUE_TIMEOUT_MS'
  | 'DB_STATEMENT_TIMEOUT_MS'
  | 'DB_WS_PROXY'
  | 'NETLIFY_DEV'
>;

/**
 * The function instance's shared pool, created on first use from the validated environment
 * (the handler's `env`). Netlify Database hands each invocation its own URL and rotates its
 * credentials: when the URL changes, a new pool serves from then on and the old one closes once
 * its in-flight work is done, so no connection with the old credentials stays open. Throws
 * `DatabaseUnavailableError` (503) when no `DATABASE_URL` is set (dev only: it is required everywhere else).
 */
export function getDatabase(env: DatabaseEnv): Database {
  if (current !== undefined && current.url === env.DATABASE_URL) return current.database;
  if (env.DATABASE_URL === undefined) {
    throw new DatabaseUnavailableError('not_configured', {
      message: 'DATABASE_URL is not set; `pnpm dev` sets it, or add it to .env',
    });
  }
  const previous = current;
  current = { url: env.DATABASE_URL, database: createDatabase(poolOptions(env, env.DATABASE_URL)) };
  if (previous !== undefined) {
    console.warn(
      '[db] the database URL changed (rotated credentials?): new connections use it; the old pool is closing',
    );
    void previous.database.end().catch(() => {});
  }
  return current.database;
}

function poolOptions(env: DatabaseEnv, connectionString: string): DatabaseOptions {
  return {
    connectionString,
    max: env.DB_POOL_MAX,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: env.NETLIFY_DEV === 'true' ? NETLIFY_DEV_IDLE_TIMEOUT_MS : env.DB_IDLE_TIMEOUT_MS,
    queueTimeoutMs: env.DB_QUEUE_TIMEOUT_MS,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    wsProxy: env.DB_WS_PROXY,
    onEvent: ({ error }) => {
      const sqlState = (error as { code?: unknown }).code;
      console.warn(`[db] the server closed an idle connection (${String(sqlState ?? error.name)}); it was discarded`);
    },
  };
}
