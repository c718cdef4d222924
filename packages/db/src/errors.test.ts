import { DatabaseError as DriverError } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import {
  DatabaseQueryError,
  DatabaseUnavailableError,
  mustDestroyConnection,
  QueryTimeoutError,
  toDatabaseError,
  unavailableReason,
} from './errors.ts';

/** An error as the driver (or the pooler, through it) reports one: a message and a SQLSTATE `code`. */
function driverError(message: string, code?: string): Error {
  const error = new DriverError(message, 0, 'error');
  if (code !== undefined) error.code = code;
  return error;
}

const nodeError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toDatabaseError', () => {
  it.each([
    ['57014', 'statement_timeout'],
    ['55P03', 'lock_timeout'],
  ])('should map SQLSTATE %s to a QueryTimeoutError (%s)', (code, reason) => {
    const mapped = toDatabaseError(driverError('canceling statement', code));
    expect(mapped).toBeInstanceOf(QueryTimeoutError);
    expect(mapped).toMatchObject({ reason, status: 503, retryAfterSeconds: 2 });
  });

  it("should name the client's backstop when the server never answered", () => {
    expect(toDatabaseError(new Error('Query read timeout'))).toMatchObject({ reason: 'client_backstop' });
  });

  it.each([
    [driverError('unsupported startup parameter: statement_timeout', '08P01'), 'startup_parameter_refused'],
    [driverError('password authentication failed for user "app"', '28P01'), 'authentication_failed'],
    [driverError('could not connect to 10.0.0.1:5432: ECONNREFUSED', '08001'), 'unreachable'],
    [nodeError('getaddrinfo ENOTFOUND db.example', 'ENOTFOUND'), 'unreachable'],
    [new Error('Connection terminated due to connection timeout'), 'connect_timeout'],
    [new Error('timeout exceeded when trying to connect'), 'connect_timeout'],
    [driverError('terminating connection due to administrator command', '57P01'), 'connection_lost'],
  ])('should name the cause of %s as %s, with a 503', (error, reason) => {
    const mapped = toDatabaseError(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapped).toMatchObject({ reason, status: 503 });
  });

  it('should find the cause behind a wrapper', () => {
    const wrapped = new Error('connect failed', {
      cause: driverError('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing'),
    });
    expect(unavailableReason(wrapped)).toBe('authentication_failed');
  });

  it('should blame a timeout only when one happened', () => {
    for (const reason of [
      'startup_parameter_refused',
      'authentication_failed',
      'unreachable',
      'connection_lost',
    ] as const) {
      expect(new DatabaseUnavailableError(reason).message).not.toMatch(/timeout|within/i);
    }
    expect(new DatabaseUnavailableError('connect_timeout').message).toMatch(/DB_CONNECT_TIMEOUT_MS/);
  });

  it('should keep other server errors as a 500 with their SQLSTATE, and pass non-database errors through', () => {
    expect(toDatabaseError(driverError('duplicate key', '23505'))).toMatchObject({
      name: DatabaseQueryError.name,
      sqlState: '23505',
      status: 500,
    });
    const own = new TypeError('bad input');
    expect(toDatabaseError(own)).toBe(own);
  });
});

describe('mustDestroyConnection', () => {
  it('should destroy a lost connection and one whose statement may still run, and keep one that merely failed', () => {
    expect(mustDestroyConnection(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(mustDestroyConnection(new Error('Query read timeout'))).toBe(true);
    expect(mustDestroyConnection(driverError('canceling statement due to statement timeout', '57014'))).toBe(false);
    expect(mustDestroyConnection(driverError('duplicate key', '23505'))).toBe(false);
  });
});
