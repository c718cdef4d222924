import type { ValidationDetail } from './http-errors.ts';
import { HttpError, ValidationError } from './http-errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; errorId?: string; details?: readonly ValidationDetail[] };
}

/** The status an error maps to: its own for the project's `HttpError`s, 500 for everything else. */
export function statusOf(error: unknown): number {
  return error instanceof HttpError ? error.status : 500;
}

const GENERIC_MESSAGE = 'Something went wrong';
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry later';
/** A write the database failed under may have committed before the answer was lost. */
const WRITE_UNAVAILABLE_MESSAGE =
  'The service is temporarily unavailable and the write may or may not have been applied; retrying it with the same Idempotency-Key is safe';

/**
 * The response for a thrown error. 4xx answers carry the error's own (caller-facing) message and
 * field details; 5xx answers never carry technical detail, only a code and the `errorId` that
 * finds the log line and the Sentry event. Anything that is not an `HttpError` is a plain 500.
 * A `write` (POST, PATCH) the database failed under is told that retrying with its key is safe.
 */
export function errorResponse(error: unknown, errorId?: string, { write = false } = {}): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  if (!(error instanceof HttpError)) {
    return Response.json({ error: { code: 'internal_error', message: GENERIC_MESSAGE, errorId } } satisfies ErrorBody, {
      status: 500,
      headers,
    });
  }
  for (const [name, value] of Object.entries(error.responseHeaders())) headers.set(name, value);
  let body: ErrorBody;
  if (error.status < 500) {
    const details = error instanceof ValidationError ? error.details : undefined;
    body = { error: { code: error.code, message: error.message, details } };
  } else {
    const unavailable = error.status === 503 && error.code !== 'misconfigured';
    const uncertainWrite = unavailable && write && error.code.startsWith('database_');
    const message = uncertainWrite ? WRITE_UNAVAILABLE_MESSAGE : unavailable ? UNAVAILABLE_MESSAGE : GENERIC_MESSAGE;
    body = { error: { code: error.code, message, errorId } };
  }
  return Response.json(body, { status: error.status, headers });
}
