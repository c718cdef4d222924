import type { Database } from './database.ts';
import { pingSql } from './ping-sql.ts';

export interface PingResult {
  ok: boolean;
  /** Round trip of the first read, or the time until giving up. */
  responseTimeMs: number;
  /**
   * The `statement_timeout` the server applies to this app's statements, read through the same
   * path a query takes (pooler included); 0 means no limit.
   */
  statementTimeoutMs?: number;
  /** Name of the error when not ok (never the driver's message), with its `reason` when it has one. */
  errorName?: string;
  /** The server's view, across every instance; absent when the ping failed. */
  serverConnections?: ServerConnections;
}

/** Client connections the database server holds: this app's (by `application_name`, in this database) and all. */
export interface ServerConnections {
  app: number;
  total: number;
  /** The server's `max_connections`. */
  max: number;
}

interface PingRow extends ServerConnections {
  statement_timeout_ms: number;
  [column: string]: unknown;
}

/** Runs `pingSql`; never takes longer than `timeoutMs`, even against a hung database. */
export async function pingDatabase(database: Database, timeoutMs = 2_000): Promise<PingResult> {
  const { value, ...ping } = await bounded(database.query<PingRow>(pingSql), timeoutMs, performance.now());
  const row = value?.[0];
  if (!ping.ok || row === undefined) return ping;
  const { statement_timeout_ms: statementTimeoutMs, app, total, max } = row;
  return { ...ping, statementTimeoutMs, serverConnections: { app, total, max } };
}

/**
 * `work` against a timer; the result carries the time from `started`. One promise settled by
 * whichever comes first (not `Promise.race` over a timer promise: that is five more promises on
 * every health request, and the timer is cleared either way).
 */
function bounded<T>(work: Promise<T>, timeoutMs: number, started: number): Promise<PingResult & { value?: T }> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, responseTimeMs: timeoutMs, errorName: 'HealthCheckTimeout' }),
      timeoutMs,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, responseTimeMs: performance.now() - started, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, responseTimeMs: performance.now() - started, errorName: nameOf(error) });
      },
    );
  });
}

/** `DatabaseUnavailableError: authentication_failed` — a class and a cause, never a message. */
function nameOf(error: unknown): string {
  if (!(error instanceof Error)) return 'Error';
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? `${error.name}: ${reason}` : error.name;
}
