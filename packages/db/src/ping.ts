import type { Database } from './database.ts';

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
  /** The server's view, across every instance; absent when it could not be read in time. */
  serverConnections?: ServerConnections;
}

/** Client connections the database server holds: this app's (by `application_name`, in this database) and all. */
export interface ServerConnections {
  app: number;
  total: number;
  /** The server's `max_connections`. */
  max: number;
}

// Each function instance has a pool of its own, so only the server sees the whole app. One cheap
// catalog read; `application_name` is the one this pool sets (`app-functions` by default), and only
// this database counts: previews and production may share one server.
const serverConnectionsSql = `select
  count(*) filter (where application_name = current_setting('application_name') and datname = current_database())::int as app,
  count(*)::int as total,
  current_setting('max_connections')::int as max
from pg_stat_activity where backend_type = 'client backend'`;

// About as cheap as `select 1` (no catalog scan, unlike pg_settings), and it tells whether the
// server-side limit reaches this app's statements. The setting reads as '5s', '500ms' or '0'.
const statementTimeoutSql =
  "select (extract(epoch from current_setting('statement_timeout')::interval) * 1000)::int as ms";

/**
 * Reads the server's `statement_timeout`, then — with what is left of `timeoutMs` — the server's
 * connection counts; never takes longer than `timeoutMs`, even against a hung database. The counts
 * are extra: when they cannot be read (a role without access, time up) the ping still stands.
 */
export async function pingDatabase(database: Database, timeoutMs = 2_000): Promise<PingResult> {
  const started = performance.now();
  const { value, ...ping } = await bounded(database.query<{ ms: number }>(statementTimeoutSql), timeoutMs, started);
  if (!ping.ok) return ping;
  const result: PingResult = { ...ping, statementTimeoutMs: value?.[0]?.ms };
  const left = timeoutMs - (performance.now() - started);
  const counts = await bounded(
    database.query<ServerConnections & Record<string, unknown>>(serverConnectionsSql),
    left,
    performance.now(),
  ).catch(() => undefined);
  const row = counts?.ok ? counts.value?.[0] : undefined;
  return row ? { ...result, serverConnections: { app: row.app, total: row.total, max: row.max } } : result;
}

/** `work` raced against a timer; the result carries the time from `started`. */
async function bounded<T>(work: Promise<T>, timeoutMs: number, started: number): Promise<PingResult & { value?: T }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PingResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, responseTimeMs: timeoutMs, errorName: 'HealthCheckTimeout' }),
      timeoutMs,
    );
  });
  const ping = work.then(
    (value) => ({ ok: true, responseTimeMs: performance.now() - started, value }),
    (error: unknown) => ({
      ok: false,
      responseTimeMs: performance.now() - started,
      errorName: nameOf(error),
    }),
  );
  try {
    return await Promise.race<PingResult & { value?: T }>([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `DatabaseUnavailableError: authentication_failed` — a class and a cause, never a message. */
function nameOf(error: unknown): string {
  if (!(error instanceof Error)) return 'Error';
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? `${error.name}: ${reason}` : error.name;
}
