import { HttpError } from '@app/http';
import { DatabaseError as DriverError } from '@neondatabase/serverless';

/**
 * Why a connection could not be had or was lost. Each names its own cause in the log line and the
 * Sentry event (`reason` tag); the HTTP answer is the same generic 503 for all of them.
 */
export type UnavailableReason =
  | 'startup_parameter_refused'
  | 'authentication_failed'
  | 'unreachable'
  | 'connect_timeout'
  | 'connection_lost';

const unavailableMessages: Record<UnavailableReason, string> = {
  startup_parameter_refused:
    'The database (or its pooler) refused a connection start-up parameter: a pooler in transaction mode accepts only application_name, client_encoding, DateStyle, TimeZone and standard_conforming_strings',
  authentication_failed:
    'The database refused the credentials in the database URL (authentication failed): check the URL, or whether its password was rotated',
  unreachable:
    'The database host could not be reached (refused, unknown or unroutable): check the host and port of the database URL',
  connect_timeout: 'No database connection was established within DB_CONNECT_TIMEOUT_MS',
  connection_lost: 'The database connection was lost',
};

/**
 * The database's failure kinds: `HttpError`s, so each chooses its answer — `status`, `code` and
 * (for 503s) `retryAfterSeconds`. Messages are for logs, never for clients, and never hold the URL.
 */
export class DatabaseUnavailableError extends HttpError {
  override name = 'DatabaseUnavailableError' as const;
  readonly status = 503;
  readonly code = 'database_unavailable';
  override readonly retryAfterSeconds = 5;
  readonly reason: UnavailableReason | 'not_configured';

  constructor(reason: UnavailableReason | 'not_configured', options?: ErrorOptions & { message?: string }) {
    super(
      options?.message ?? (reason === 'not_configured' ? 'No database URL is set' : unavailableMessages[reason]),
      options,
    );
    this.reason = reason;
  }
}

/** Every connection stayed busy for `DB_QUEUE_TIMEOUT_MS`: the pool is saturated, come back soon. */
export class PoolTimeoutError extends HttpError {
  override name = 'PoolTimeoutError' as const;
  readonly status = 503;
  readonly code = 'database_busy';
  override readonly retryAfterSeconds = 1;
}

/**
 * A statement was cancelled: by the server (`statement_timeout`, SQLSTATE 57014; `lock_timeout`,
 * 55P03) or by the client's backstop when the server did not answer at all.
 */
export class QueryTimeoutError extends HttpError {
  override name = 'QueryTimeoutError' as const;
  readonly status = 503;
  readonly code = 'database_timeout';
  override readonly retryAfterSeconds = 2;
  readonly reason: 'statement_timeout' | 'lock_timeout' | 'client_backstop';

  constructor(reason: QueryTimeoutError['reason'], options?: ErrorOptions) {
    super(queryTimeoutMessages[reason], options);
    this.reason = reason;
  }
}

const queryTimeoutMessages: Record<QueryTimeoutError['reason'], string> = {
  statement_timeout: 'The server cancelled a statement that ran past its statement_timeout (SQLSTATE 57014)',
  lock_timeout: 'The server cancelled a statement that waited past its lock_timeout for a lock (SQLSTATE 55P03)',
  client_backstop:
    'The server did not answer within DB_STATEMENT_TIMEOUT_MS + 1 s; the connection was destroyed (is the server-side statement_timeout set? see /api/health)',
};

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
  /connection terminated|terminating connection|connection error|ECONNRESET|EPIPE|socket hang up|server closed the connection/i;
const unreachable = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|getaddrinfo/i;
const connectTimeout = /timeout exceeded when trying to connect|due to connection timeout/i;
const clientBackstop = /query read timeout/i;

const sqlStateOf = (error: unknown): string | undefined => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** The error and its causes, outermost first (the pool wraps the driver's connect errors). */
function* chain(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

/** Why no connection could be had, read from the driver's or the pooler's error; undefined if none of those. */
export function unavailableReason(error: unknown): UnavailableReason | undefined {
  for (const link of chain(error)) {
    if (!(link instanceof Error)) continue;
    const sqlState = sqlStateOf(link);
    if (/unsupported startup parameter/i.test(link.message)) return 'startup_parameter_refused';
    if (sqlState === '28P01' || sqlState === '28000' || /password authentication failed|SASL/i.test(link.message))
      return 'authentication_failed';
    if (unreachable.test(link.message) || /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)$/.test(sqlState ?? ''))
      return 'unreachable';
    if (connectTimeout.test(link.message)) return 'connect_timeout';
  }
  return undefined;
}

/**
 * True when the error means the connection itself is gone (server restart, `pg_terminate_backend`,
 * a socket closed while the instance was frozen), as opposed to the statement being wrong.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sqlState = sqlStateOf(error);
  // 57P01-03: admin/crash shutdown, cannot connect now; class 08: connection exceptions.
  if (sqlState !== undefined && /^(57P0[123]|08...)$/.test(sqlState)) return true;
  return connectionLost.test(error.message);
}

/**
 * True when the connection must not go back to the pool: it is gone, or its statement may still
 * be running on the server (the client's backstop fired), holding the connection and its locks.
 */
export function mustDestroyConnection(error: unknown): boolean {
  return isConnectionError(error) || (error instanceof Error && clientBackstop.test(error.message));
}

const named = [DatabaseUnavailableError, PoolTimeoutError, QueryTimeoutError, DatabaseQueryError];

/** Maps a driver error to the project's named errors (cancellations, failed connections, the rest). */
export function toDatabaseError(error: unknown): Error {
  if (named.some((kind) => error instanceof kind)) return error as Error;
  const sqlState = sqlStateOf(error);
  if (sqlState === '57014') return new QueryTimeoutError('statement_timeout', { cause: error });
  if (sqlState === '55P03') return new QueryTimeoutError('lock_timeout', { cause: error });
  if (error instanceof Error && clientBackstop.test(error.message)) {
    return new QueryTimeoutError('client_backstop', { cause: error });
  }
  const reason = unavailableReason(error);
  if (reason !== undefined) return new DatabaseUnavailableError(reason, { cause: error });
  if (isConnectionError(error)) return new DatabaseUnavailableError('connection_lost', { cause: error });
  // Errors thrown by a transaction's own code are not the database's: they pass through as they are.
  if (!(error instanceof DriverError)) return error instanceof Error ? error : new Error(String(error));
  return new DatabaseQueryError(sqlState, { cause: error });
}
