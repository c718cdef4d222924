/** One field-level problem in a 400 answer. */
export interface ValidationDetail {
  path: string;
  message: string;
}

/** The caller sent something invalid: 400 with a `details` entry per field. */
export class ValidationError extends Error {
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

export class NotFoundError extends Error {
  override name = 'NotFoundError' as const;
  readonly status = 404;
  readonly code = 'not_found';

  constructor(message = 'Not found') {
    super(message);
  }
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError' as const;
  readonly status = 401;
  readonly code = 'unauthorized';

  constructor(message = 'A valid bearer token is required') {
    super(message);
  }
}

/** The request conflicts with the resource's state (e.g. an illegal status change). */
export class ConflictError extends Error {
  override name = 'ConflictError' as const;
  readonly status = 409;
  readonly code = 'conflict';
}

export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError' as const;
  readonly status = 405;
  readonly code = 'method_not_allowed';
  readonly allow: readonly string[];

  constructor(allow: readonly string[]) {
    super(`Use ${allow.join(', ')}`);
    this.allow = allow;
  }
}
