import type { ValidationDetail } from './http-errors.ts';

/** The shape every known error kind shares (HTTPException-style): status, code, optional retry hint. */
interface StatusError extends Error {
  status: number;
  code: string;
  retryAfterSeconds?: number;
  details?: readonly ValidationDetail[];
  allow?: readonly string[];
}

export interface ErrorBody {
  error: { code: string; message: string; errorId?: string; details?: readonly ValidationDetail[] };
}

function isStatusError(error: unknown): error is StatusError {
  if (!(error instanceof Error)) return false;
  const { status, code } = error as Partial<StatusError>;
  return typeof status === 'number' && status >= 400 && status <= 599 && typeof code === 'string';
}

/** The status an error maps to: its own for known kinds, 500 for everything else. */
export function statusOf(error: unknown): number {
  return isStatusError(error) ? error.status : 500;
}

const GENERIC_MESSAGE = 'Something went wrong';
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry later';

/**
 * The response for a thrown error. 4xx answers carry the error's own (caller-facing) message and
 * field details; 5xx answers never carry technical detail, only a code and the `errorId` that
 * finds the log line and the Sentry event.
 */
export function errorResponse(error: unknown, errorId?: string): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  let status = 500;
  let body: ErrorBody = { error: { code: 'internal_error', message: GENERIC_MESSAGE, errorId } };
  if (isStatusError(error) && error.status < 500) {
    status = error.status;
    body = { error: { code: error.code, message: error.message, details: error.details } };
    if (status === 401) headers.set('WWW-Authenticate', 'Bearer');
    if (status === 405 && error.allow) headers.set('Allow', error.allow.join(', '));
  } else if (isStatusError(error)) {
    status = error.status;
    const message = error.code === 'misconfigured' || status !== 503 ? GENERIC_MESSAGE : UNAVAILABLE_MESSAGE;
    body = { error: { code: error.code, message, errorId } };
    if (status === 503) headers.set('Retry-After', String(error.retryAfterSeconds ?? 5));
  }
  return Response.json(body, { status, headers });
}
