import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from './database.ts';
import { DatabaseUnavailableError } from './errors.ts';
import { pingDatabase } from './ping.ts';

/** A database whose every query answers with `answer` (a promise that may never settle). */
function databaseAnswering(answer: () => Promise<unknown>): Database {
  return {
    query: () => answer() as Promise<never>,
    transaction: () => Promise.reject(new Error('not used')),
    metrics: () => ({
      active: 0,
      idle: 0,
      waiting: 0,
      total: 0,
      max: 1,
      connectionsOpened: 0,
      queueTimeouts: 0,
      connectionErrors: 0,
    }),
    end: () => Promise.resolve(),
  };
}

describe('pingDatabase', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should report the row and leave no timer behind when the database answers', async () => {
    const row = { statement_timeout_ms: 5_000, app: 3, total: 7, max: 100 };
    const ping = await pingDatabase(
      databaseAnswering(async () => [row]),
      2_000,
    );
    expect(ping).toMatchObject({
      ok: true,
      statementTimeoutMs: 5_000,
      serverConnections: { app: 3, total: 7, max: 100 },
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should give up at timeoutMs against a database that never answers', async () => {
    const pinging = pingDatabase(
      databaseAnswering(() => new Promise(() => {})),
      2_000,
    );
    await vi.advanceTimersByTimeAsync(1_999);
    let settled = false;
    void pinging.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pinging).toEqual({ ok: false, responseTimeMs: 2_000, errorName: 'HealthCheckTimeout' });
  });

  it('should name a failure by its class and reason, never its message, and leave no timer behind', async () => {
    const refused = new DatabaseUnavailableError('authentication_failed', {
      message: 'password authentication failed for user "app" at ep-secret-host',
    });
    const ping = await pingDatabase(
      databaseAnswering(() => Promise.reject(refused)),
      2_000,
    );
    expect(ping).toMatchObject({ ok: false, errorName: 'DatabaseUnavailableError: authentication_failed' });
    expect(JSON.stringify(ping)).not.toContain('ep-secret-host');
    expect(vi.getTimerCount()).toBe(0);
  });
});
