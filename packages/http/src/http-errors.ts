/** One field-level problem in a 400 answer. */
export interface ValidationDetail {
  path: string;
  message: string;
}

/**
 * The project's own errors that choose an HTTP answer (hono's HTTPException habit). Only these do:
 * any other error — a driver's, a library's, one that happens to carry `status` and `code` — is a
 * generic 500, so no foreign message ever reaches a client. 4xx messages are caller-facing;
 * 5xx messages are for logs only.
 */
export abstract class HttpError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** How long a client should wait before retrying: every 503 has it (5 s unless it says), a 409 may. */
  readonly retryAfterSeconds?: number;

  /** The headers this error's answer carries: `Retry-After` when it has a wait; more in subclasses. */
  responseHeaders(): Record<string, string> {
    const seconds = this.retryAfterSeconds ?? (this.status === 503 ? 5 : undefined);
    return seconds === undefined ? {} : { 'Retry-After': String(seconds) };
  }
}

/** The caller sent something invalid: 400 with a `details` entry per field. */
export class ValidationError extends HttpError {
  override name = 'ValidationError' as const;
  readonly status = 400;
  readonly code = 'validation_failed';
  readonly details: readonly ValidationDetail[];

  constructor(details: readonly ValidationDetail[], message = 'The request is invalid') {
    super(message);
    this.details = details;
  }

  /**
   * From a schema library's issues (zod's shape: `path` segments and a `message`). An issue about
   * unknown keys (zod's `keys`) becomes one detail per key, at that key's path.
   */
  static fromIssues(
    issues: readonly { path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[],
  ): ValidationError {
    return new ValidationError(
      issues.flatMap((issue) => {
        const path = issue.path.map(String);
        if (issue.keys === undefined || issue.keys.length === 0)
          return [{ path: path.join('.'), message: issue.message }];
        return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: `${key} is not a known field` }));
      }),
    );
  }
}

export class NotFoundError extends HttpError {
  override name = 'NotFoundError' as const;
  readonly status = 404;
  readonly code = 'not_found';

  constructor(message = 'Not found') {
    super(message);
  }
}

export class UnauthorizedError extends HttpError {
  override name = 'UnauthorizedError' as const;
  readonly status = 401;
  readonly code = 'unauthorized';

  constructor(message = 'A valid bearer token is required') {
    super(message);
  }

  override responseHeaders(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer' };
  }
}

/** The request conflicts with the resource's state (e.g. an illegal status change). */
export class ConflictError extends HttpError {
  override name = 'ConflictError' as const;
  readonly status = 409;
  readonly code = 'conflict';
}

export class MethodNotAllowedError extends HttpError {
  override name = 'MethodNotAllowedError' as const;
  readonly status = 405;
  readonly code = 'method_not_allowed';
  readonly allow: readonly string[];

  constructor(allow: readonly string[]) {
    super(`Use ${allow.join(', ')}`);
    this.allow = allow;
  }

  override responseHeaders(): Record<string, string> {
    return { Allow: this.allow.join(', ') };
  }
}

/** The deployment's configuration is invalid: nothing the caller can fix; retry after a redeploy. */
export class MisconfiguredError extends HttpError {
  override name = 'MisconfiguredError' as const;
  readonly status = 503;
  readonly code = 'misconfigured';
  /** A configuration fix takes a redeploy: minutes, not seconds. */
  override readonly retryAfterSeconds = 60;
}

/** A conditional request's precondition (`If-Match`) no longer holds: nothing was written. */
export class PreconditionFailedError extends HttpError {
  override name = 'PreconditionFailedError' as const;
  readonly status = 412;
  readonly code = 'precondition_failed';
}

/** A request with this `Idempotency-Key` is still running: retry shortly for its answer. */
export class IdempotencyKeyInUseError extends HttpError {
  override name = 'IdempotencyKeyInUseError' as const;
  readonly status = 409;
  readonly code = 'idempotency_key_in_use';
  override readonly retryAfterSeconds = 1;
}

/** The `Idempotency-Key` was used for a different request: a client bug, never retried as is. */
export class IdempotencyKeyReusedError extends HttpError {
  override name = 'IdempotencyKeyReusedError' as const;
  readonly status = 422;
  readonly code = 'idempotency_key_reused';
}
