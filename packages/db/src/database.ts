import diagnostics_channel from 'node:diagnostics_channel';
import { databaseDefaults } from '@app/env';
import type { PoolClient } from '@neondatabase/serverless';
import { Pool } from '@neondatabase/serverless';
import { configureDriver } from './driver-config.ts';
import {
  DatabaseUnavailableError,
  isConnectionError,
  mustDestroyConnection,
  PoolTimeoutError,
  toDatabaseError,
  unavailableReason,
} from './errors.ts';
import type { PoolCounters, PoolMetrics } from './metrics.ts';
import { PermitQueue } from './permit-queue.ts';

export type Row = Record<string, unknown>;

/** What a transaction callback can do: run statements on the transaction's connection. */
export interface Queryable {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  /**
   * Runs `work` inside BEGIN/COMMIT on one connection, rolling back if it throws. If the
   * connection turns out dead at BEGIN (nothing was sent yet) it retries once on a fresh one.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  metrics(): PoolMetrics;
  /** Closes every connection; later calls fail. */
  end(): Promise<void>;
}

/** Defaults come from `databaseDefaults` in `@app/env`, the same the environment's schema applies. */
export interface DatabaseOptions {
  connectionString: string;
  /** @default databaseDefaults.DB_POOL_MAX (25) */
  max?: number;
  /** @default databaseDefaults.DB_CONNECT_TIMEOUT_MS (3000) */
  connectTimeoutMs?: number;
  /** @default databaseDefaults.DB_IDLE_TIMEOUT_MS (10000) */
  idleTimeoutMs?: number;
  /** @default databaseDefaults.DB_QUEUE_TIMEOUT_MS (2000) */
  queueTimeoutMs?: number;
  /**
   * The statement limit the app expects the server to enforce (a role default: docs/database.md#time-limits).
   * The client gives up 1 s after it, for a server that does not answer at all.
   * @default databaseDefaults.DB_STATEMENT_TIMEOUT_MS (5000)
   */
  statementTimeoutMs?: number;
  /** WebSocket proxy for local databases. @default databaseDefaults.DB_WS_PROXY */
  wsProxy?: string;
  /** Shown in `pg_stat_activity`, so an operator can count this app's connections. @default APPLICATION_NAME */
  applicationName?: string;
  /** Called for events worth a log line (an idle connection dropped by the server). */
  onEvent?: (event: { type: 'idle-connection-error'; error: Error }) => void;
}

/**
 * The `application_name` the functions' connections carry (`pg_stat_activity`): how health, the
 * load reports and an operator's query tell this app's connections from everyone else's.
 */
export const APPLICATION_NAME = 'app-functions';

/**
 * Every statement, as a `node:diagnostics_channel` tracing channel (`start` … `asyncEnd`/`error`,
 * context `{ text }`, never the parameters): how tracing (@app/observability) sees queries without
 * this package knowing about Sentry.
 */
export const queryChannel = diagnostics_channel.tracingChannel<unknown, { text: string }>('app:db:query');

// Read-only statements are safe to retry on a fresh connection; writes are not (the lost
// connection may have committed them), so writes that want the retry go through `transaction`.
const readOnlyStatement = /^\s*(select|show|values)\b/i;

/** Why `pool.connect()` failed, named (never the URL): the timeout message only when a timeout happened. */
function connectFailure(error: unknown): DatabaseUnavailableError {
  const reason = unavailableReason(error);
  if (reason !== undefined) return new DatabaseUnavailableError(reason, { cause: error });
  return new DatabaseUnavailableError('connection_lost', {
    cause: error,
    message: 'The connection closed while it was being opened (the cause holds the driver’s error)',
  });
}

/** A pool of Neon driver connections that queues callers, bounds every wait and counts what it does. */
export function createDatabase({
  connectionString,
  max = databaseDefaults.DB_POOL_MAX,
  connectTimeoutMs = databaseDefaults.DB_CONNECT_TIMEOUT_MS,
  idleTimeoutMs = databaseDefaults.DB_IDLE_TIMEOUT_MS,
  queueTimeoutMs = databaseDefaults.DB_QUEUE_TIMEOUT_MS,
  statementTimeoutMs = databaseDefaults.DB_STATEMENT_TIMEOUT_MS,
  wsProxy = databaseDefaults.DB_WS_PROXY,
  applicationName = APPLICATION_NAME,
  onEvent,
}: DatabaseOptions): Database {
  configureDriver(connectionString, wsProxy);
  const pool = new Pool({
    connectionString,
    max,
    application_name: applicationName,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: idleTimeoutMs,
    // No statement_timeout here: the driver would send it as a start-up parameter, which Neon's
    // pooler (PgBouncer, transaction mode) refuses outright. The server's limits are role
    // defaults set by a migration (docs/database.md#time-limits); this client-side timer is the
    // backstop for a server that does not answer at all, and its connection is destroyed.
    query_timeout: statementTimeoutMs + 1_000,
    // Idle connections must not keep a script, a test or a netlify dev worker alive.
    allowExitOnIdle: true,
  });
  const permits = new PermitQueue(max);
  const counters: PoolCounters = { connectionsOpened: 0, queueTimeouts: 0, connectionErrors: 0 };

  pool.on('connect', (client: PoolClient) => {
    counters.connectionsOpened += 1;
    // A connection that dies while checked out also emits `error`; the caller sees it as the
    // query's rejection, so this listener only keeps the emit from crashing the process.
    client.on('error', () => {});
  });
  // Without this listener an idle connection closed by the server crashes the process (docs/platform.md#neon-pool-error).
  // The pool has already discarded the connection; the next caller gets a fresh one.
  pool.on('error', (error: Error) => {
    counters.connectionErrors += 1;
    onEvent?.({ type: 'idle-connection-error', error });
  });

  const used = new WeakSet<PoolClient>();
  /** Connections whose ROLLBACK failed: their transaction's state is unknown. */
  const broken = new WeakSet<PoolClient>();

  async function waitForPermit(): Promise<() => void> {
    try {
      return await permits.acquire(queueTimeoutMs);
    } catch (error) {
      if (error instanceof PoolTimeoutError) counters.queueTimeouts += 1;
      throw error;
    }
  }

  async function withClient<T>(work: (client: PoolClient) => Promise<T>, checkout: { reused: boolean }): Promise<T> {
    // A free permit is taken at once: a wait (and its promises) only when every connection is busy.
    const release = permits.tryAcquire() ?? (await waitForPermit());
    try {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        counters.connectionErrors += 1;
        throw connectFailure(error);
      }
      checkout.reused = used.has(client);
      used.add(client);
      try {
        const result = await work(client);
        client.release();
        return result;
      } catch (error) {
        // A connection that failed mid-conversation, whose statement may still run on the server,
        // or whose ROLLBACK failed is destroyed: whatever it held (a transaction, its locks) ends with it.
        const destroy = mustDestroyConnection(error) || broken.has(client);
        client.release(destroy ? (error as Error) : undefined);
        throw error;
      }
    } finally {
      release();
    }
  }

  /**
   * Runs `work` on a connection, retrying when `canRetry` accepts the error and it came from a
   * connection that had sat idle: the server may have closed it (restart, `pg_terminate_backend`,
   * an instance thawed after a freeze) before the pool noticed. Each failure discards one such
   * connection, so after at most `max` of them the pool opens a fresh one; an error on a fresh
   * connection means the database itself is failing and is not retried.
   */
  async function withRetry<T>(work: (client: PoolClient) => Promise<T>, canRetry: (error: unknown) => boolean) {
    for (let attempt = 0; ; attempt += 1) {
      const checkout = { reused: false };
      try {
        return await withClient(work, checkout);
      } catch (error) {
        if (!checkout.reused || attempt >= max || !canRetry(error)) throw toDatabaseError(error);
        counters.connectionErrors += 1;
      }
    }
  }

  const run = async <T extends Row>(client: PoolClient, text: string, params?: readonly unknown[]) => {
    const query = () => client.query<T>(text, params as unknown[] | undefined);
    // Only a subscriber (tracing, when on) makes this cost more than one property read.
    const result = queryChannel.hasSubscribers ? await queryChannel.tracePromise(query, { text }) : await query();
    return result.rows;
  };

  return {
    query<T extends Row = Row>(text: string, params?: readonly unknown[]) {
      const readOnly = readOnlyStatement.test(text);
      return withRetry(
        (client) => run<T>(client, text, params),
        (error) => readOnly && isConnectionError(error),
      );
    },

    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let begun = false;
      const attempt = async (client: PoolClient) => {
        begun = false;
        await client.query('BEGIN');
        begun = true;
        try {
          const result = await work({ query: (text, params) => run(client, text, params) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // A connection whose statement may still be running (the client's backstop fired) would
          // queue its ROLLBACK behind it: it is destroyed instead, which ends the transaction.
          if (mustDestroyConnection(error)) throw error;
          // If ROLLBACK fails, the transaction's state is unknown: the connection is destroyed.
          await client.query('ROLLBACK').catch(() => broken.add(client));
          throw error;
        }
      };
      // Retry only when the connection died before BEGIN succeeded: nothing of `work` ran.
      return withRetry(attempt, (error) => !begun && isConnectionError(error));
    },

    metrics(): PoolMetrics {
      return {
        active: permits.active,
        idle: pool.idleCount,
        waiting: permits.waiting,
        total: pool.totalCount,
        max,
        ...counters,
      };
    },

    end: () => pool.end(),
  };
}
