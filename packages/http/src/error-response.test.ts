import { describe, expect, it } from 'vitest';
import type { ErrorBody } from './error-response.ts';
import { errorResponse } from './error-response.ts';
import {
  ConflictError,
  HttpError,
  MisconfiguredError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from './http-errors.ts';

/** 503 kinds as a dependency package declares them (the database's are shaped like this). */
class BusyError extends HttpError {
  readonly status = 503;
  readonly code = 'database_busy';
  override readonly retryAfterSeconds = 1;
}
class DownError extends HttpError {
  readonly status = 503;
  readonly code = 'database_unavailable';
  override readonly retryAfterSeconds = 5;
}

async function answer(error: unknown, errorId = 'ERR-TEST0001') {
  const response = errorResponse(error, errorId);
  return { status: response.status, headers: response.headers, body: (await response.json()) as ErrorBody };
}

describe('errorResponse', () => {
  it('should answer an unknown error with 500 and no detail', async () => {
    const { status, body } = await answer(new Error('relation "secret_table" does not exist at line 3'));
    expect(status).toBe(500);
    expect(body).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong', errorId: 'ERR-TEST0001' },
    });
  });

  it('should answer a validation error with 400 and field details, without an errorId', async () => {
    const { status, body } = await answer(new ValidationError([{ path: 'title', message: 'Required' }]));
    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        code: 'validation_failed',
        message: 'The request is invalid',
        details: [{ path: 'title', message: 'Required' }],
      },
    });
  });

  it.each([
    [new NotFoundError(), 404, 'not_found'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new ConflictError('Cannot move from archived to draft'), 409, 'conflict'],
  ])('should map %s to its status and code', async (error, status, code) => {
    const result = await answer(error);
    expect(result.status).toBe(status);
    expect(result.body.error.code).toBe(code);
    expect(result.body.error.errorId).toBeUndefined();
  });

  it('should ask for a bearer token on 401', async () => {
    expect((await answer(new UnauthorizedError())).headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each([
    [new BusyError('busy'), 'database_busy', '1'],
    [new DownError('down'), 'database_unavailable', '5'],
  ])('should answer %s with 503 and Retry-After', async (error, code, retryAfter) => {
    const { status, headers, body } = await answer(error);
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe(retryAfter);
    expect(body).toEqual({
      error: { code, message: 'The service is temporarily unavailable; retry later', errorId: 'ERR-TEST0001' },
    });
  });

  it('should tell a write the database failed under that retrying with its Idempotency-Key is safe', async () => {
    const write = (await errorResponse(new DownError('lost after COMMIT'), 'ERR-1', {
      write: true,
    }).json()) as ErrorBody;
    expect(write.error.message).toMatch(/may or may not have been applied.*same Idempotency-Key is safe/);
    const read = (await errorResponse(new DownError('down'), 'ERR-2').json()) as ErrorBody;
    expect(read.error.message).toBe('The service is temporarily unavailable; retry later');
    const misconfigured = errorResponse(new MisconfiguredError('x'), 'ERR-3', { write: true });
    expect(((await misconfigured.json()) as ErrorBody).error.message).toBe('Something went wrong');
  });

  it('should answer a misconfiguration with 503 misconfigured and the generic message', async () => {
    const { status, headers, body } = await answer(new MisconfiguredError('DATABASE_URL is required'));
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('60');
    expect(body).toEqual({
      error: { code: 'misconfigured', message: 'Something went wrong', errorId: 'ERR-TEST0001' },
    });
  });

  it('should answer a foreign error shaped like an HTTP error with the generic 500, not its own message', async () => {
    const foreign = Object.assign(new Error("I'm a teapot: internal detail"), { status: 418, code: 'teapot' });
    const { status, body } = await answer(foreign);
    expect(status).toBe(500);
    expect(body).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong', errorId: 'ERR-TEST0001' },
    });
  });
});
