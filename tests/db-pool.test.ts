import { createServer } from 'node:net';
import type { Database } from '@app/db';
import { createDatabase, DatabaseUnavailableError, PoolTimeoutError, QueryTimeoutError } from '@app/db';
import { freePort } from '@app/stack/free-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await useTestDatabase();
});
afterAll(() => testDb.close());

/** Checks out a connection and keeps it until `release()` is called. */
function hold(database: Database) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let checkedOut!: () => void;
  const ready = new Promise<void>((resolve) => {
    checkedOut = resolve;
  });
  const done = database.transaction(async () => {
    checkedOut();
    await released;
  });
  return { ready, release, done };
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createDatabase', () => {
  it('should return typed rows with parameters bound', async () => {
    const rows = await testDb.admin.query<{ sum: number; label: string }>(
      'select $1::int + $2::int as sum, $3 as label',
      [2, 3, 'five'],
    );
    expect(rows).toEqual([{ sum: 5, label: 'five' }]);
  });

  it('should queue callers beyond max and complete them all', async () => {
    const database = testDb.create({ max: 3, queueTimeoutMs: 10_000, applicationName: 'test-queue' });
    let peakWaiting = 0;
    let peakTotal = 0;
    const sampler = setInterval(() => {
      const metrics = database.metrics();
      peakWaiting = Math.max(peakWaiting, metrics.waiting);
      peakTotal = Math.max(peakTotal, metrics.total);
    }, 5);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => database.query<{ i: number }>('select $1::int as i, pg_sleep(0.05)', [i])),
    );
    clearInterval(sampler);
    expect(results.map((rows) => rows[0]?.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(peakWaiting).toBeGreaterThanOrEqual(6);
    expect(peakTotal).toBeLessThanOrEqual(3);
    expect(await testDb.countConnections('test-queue')).toBeLessThanOrEqual(3);
  });

  it('should report active and waiting exactly while connections are held', async () => {
    const database = testDb.create({ max: 5, queueTimeoutMs: 10_000 });
    const held = [hold(database), hold(database), hold(database)];
    await Promise.all(held.map((h) => h.ready));
    expect(database.metrics()).toMatchObject({ active: 3, waiting: 0, total: 3, max: 5 });

    held.push(hold(database), hold(database));
    await Promise.all(held.map((h) => h.ready));
    const queued = [database.query('select 1'), database.query('select 2')];
    await until(() => database.metrics().waiting === 2);
    expect(database.metrics()).toMatchObject({ active: 5, waiting: 2, total: 5 });

    for (const h of held) h.release();
    await Promise.all([...held.map((h) => h.done), ...queued]);
    expect(database.metrics()).toMatchObject({ active: 0, waiting: 0, idle: 5, connectionsOpened: 5 });
  });

  it('should end a queue wait after queueTimeoutMs with PoolTimeoutError', async () => {
    const database = testDb.create({ max: 1, queueTimeoutMs: 200 });
    const held = hold(database);
    await held.ready;
    const started = performance.now();
    const error = await database.query('select 1').catch((e: unknown) => e);
    const waited = performance.now() - started;
    held.release();
    await held.done;
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(database.metrics()).toMatchObject({ queueTimeouts: 1, waiting: 0, active: 0 });
    // The pool still works once the holder lets go.
    expect(await database.query('select 1 as ok')).toEqual([{ ok: 1 }]);
  });

  it('should fail fast with DatabaseUnavailableError when nothing listens', async () => {
    const closedPort = await freePort();
    const database = testDb.create({
      connectionString: `postgres://postgres@127.0.0.1:${closedPort}/test`,
      connectTimeoutMs: 1_000,
    });
    const error = await database.query('select 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'unreachable' });
    expect(database.metrics().connectionErrors).toBeGreaterThanOrEqual(1);
  });

  it('should give up on a database that accepts but never answers within connectTimeoutMs', async () => {
    const sockets: import('node:net').Socket[] = [];
    const blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const database = createDatabase({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      wsProxy: testDb.wsProxy,
      connectTimeoutMs: 500,
    });
    const started = performance.now();
    const error = await database.query('select 1').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    for (const socket of sockets) socket.destroy();
    blackHole.close();
    await database.end().catch(() => {});
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'connect_timeout' });
    // A read is retried once, so at most two connect timeouts.
    expect(elapsed).toBeLessThan(2 * 500 + 500);
  });

  it('should give up 1 s past statementTimeoutMs when the server has not cancelled, and destroy that connection', async () => {
    // The run's role has the migrations' 5 s server limit: the client's backstop comes first here.
    const database = testDb.create({ statementTimeoutMs: 200 });
    const error = await database.query('select pg_sleep(3)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ reason: 'client_backstop' });
    expect(database.metrics().total).toBe(0);
    expect(await database.query('select 1 as ok')).toEqual([{ ok: 1 }]);
  });

  it('should survive pg_terminate_backend on every pool connection', async () => {
    const events: string[] = [];
    const database = testDb.create({
      max: 4,
      applicationName: 'test-terminated',
      onEvent: (event) => events.push(event.type),
    });
    await Promise.all(Array.from({ length: 4 }, () => database.query('select pg_sleep(0.05)')));
    expect(database.metrics().idle).toBe(4);
    const killed = await testDb.admin.query<{ ok: boolean }>(
      // Only this database's sessions: other work on the same server may use the same name.
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
       where application_name = 'test-terminated' and datname = current_database()`,
    );
    expect(killed).toHaveLength(4);
    // Straight away, before the pool has necessarily noticed: the read must still succeed.
    expect(await database.query('select 42 as answer')).toEqual([{ answer: 42 }]);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => database.query('select $1::int as i', [i])));
    expect(results.flat()).toHaveLength(4);
    expect(database.metrics().connectionErrors).toBeGreaterThanOrEqual(1);
  });

  it('should roll back a transaction that throws and keep the connection usable', async () => {
    const database = testDb.create({ max: 1 });
    await database.query('create table if not exists pool_tx_test (n int)');
    await database.query('truncate pool_tx_test');
    const error = await database
      .transaction(async (tx) => {
        await tx.query('insert into pool_tx_test values (1)');
        throw new Error('abort');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'abort' });
    await database.transaction((tx) => tx.query('insert into pool_tx_test values (2)'));
    expect(await database.query('select n from pool_tx_test')).toEqual([{ n: 2 }]);
    await database.query('drop table pool_tx_test');
  });
});
