import { HttpError } from '@app/http';
import { DatabaseError as DriverError } from '@neondatabase/serverless';

/**
 * The database's failure kinds: `HttpError`s, so each chooses its answer — `status`, `code` and
 * (for 503s) `retryAfterSeconds`. Messages are for logs, never for clients.
 */
export class DatabaseUnavailableError extends HttpError {
  override name = 'DatabaseUnavailableError' as const;
  readonly status = 503;
  readonly code = 'database_unavailable';
  override readonly retryAfterSeconds = 5;
}

/** Every connection stayed busy for `DB_QUEUE_TIMEOUT_MS`: the pool is saturated, come back soon. */
export class PoolTimeoutError extends HttpError {
  override name = 'PoolTimeoutError' as const;
  readonly status = 503;
  readonly code = 'database_busy';
  override readonly retryAfterSeconds = 1;
}

/** A statement ran past `DB_STATEMENT_TIMEOUT_MS` and was cancelled. */
export class QueryTimeoutError extends HttpError {
  override name = 'QueryTimeoutError' as const;
  readonly status = 503;
  readonly code = 'database_timeout';
  override readonly retryAfterSeconds = 2;
}

/** Any other error PostgreSQL reported; `sqlState` lets callers map e.g. 23505 to a 409. */
export class DatabaseQueryError extends HttpError {
  override name = 'DatabaseQueryError' as const;
  readonly status = 500;
  readonly code = 'internal_error';
  readonly sqlState: string | undefined;

  constructor(sqlState: string | undefined, options?: ErrorOptions) {
    super(`Database query failed (SQLSTATE ${sqlState ?? 'unknown'}); the cause holds the driver's error`, options);
    this.sqlState = sqlState;
  }
}

const connectionLost =
  /connection terminated|terminating connection|connection error|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up/i;

/**
 * True when the error means the connection itself is gone (server restart, `pg_terminate_backend`,
 * a socket closed while the instance was frozen), as opposed to the statement being wrong.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sqlState = (error as { code?: unknown }).code;
  // 57P01-03: admin/crash shutdown, cannot connect now; class 08: connection exceptions.
  if (typeof sqlState === 'string' && /^(57P0[123]|08...)$/.test(sqlState)) return true;
  return connectionLost.test(error.message);
}

/** Maps a driver error to the project's named errors (statement timeouts, lost connections, the rest). */
export function toDatabaseError(error: unknown): Error {
  if (
    error instanceof DatabaseUnavailableError ||
    error instanceof PoolTimeoutError ||
    error instanceof QueryTimeoutError ||
    error instanceof DatabaseQueryError
  ) {
    return error;
  }
  const sqlState = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  // 57014 query_canceled is what statement_timeout raises; "Query read timeout" is the client backstop.
  if (sqlState === '57014' || (error instanceof Error && /query read timeout/i.test(error.message))) {
    return new QueryTimeoutError('A statement exceeded DB_STATEMENT_TIMEOUT_MS and was cancelled', { cause: error });
  }
  if (isConnectionError(error)) {
    return new DatabaseUnavailableError('The database connection was lost', { cause: error });
  }
  // Errors thrown by a transaction's own code are not the database's: they pass through as they are.
  if (!(error instanceof DriverError)) return error instanceof Error ? error : new Error(String(error));
  return new DatabaseQueryError(typeof sqlState === 'string' ? sqlState : undefined, { cause: error });
}
