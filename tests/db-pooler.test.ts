import type { Database, DatabaseOptions } from '@app/db';
import { DatabaseUnavailableError, pingDatabase, QueryTimeoutError } from '@app/db';
import { freePort } from '@app/stack/free-port';
import type { PgBouncer } from '@app/stack/pgbouncer';
import { startPgBouncer } from '@app/stack/pgbouncer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runIdempotent } from '../functions/proposals/idempotency.ts';
import { insertProposal, listProposals, updateProposal } from '../functions/proposals/store.ts';
import type { AppRole } from './support/app-role.ts';
import { createAppRole, sessionsOf } from './support/app-role.ts';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { waitFor } from './support/wait-for.ts';

// Production reaches Neon through its -pooler endpoint: PgBouncer in transaction mode with Neon's
// settings. These tests run the real Neon driver through a real PgBouncer so configured, and the
// same checks directly, against real PostgreSQL. Roles of their own carry the server-side limits
// as role defaults — the mechanism the migrations use — only shorter, so the tests stay quick.
const pooler = inject('pgbouncer');

const LIMIT_MS = 1_000;
const SLOW_MACHINE_MS = 20_000;
const limits = { statement_timeout: `${LIMIT_MS}ms`, lock_timeout: '300ms', idle_in_transaction_session_timeout: '5s' };

describe.skipIf(!pooler)('the database path through PgBouncer (Neon pooler settings) and direct', () => {
  let testDb: TestDatabase;
  let limited: AppRole;
  let unlimited: AppRole;
  let bouncer: PgBouncer;
  const created: Database[] = [];

  beforeAll(async () => {
    testDb = await useTestDatabase();
    await testDb.admin.query('create table if not exists pooler_locks (id int primary key, n int not null)');
    await testDb.admin.query('insert into pooler_locks values (1, 0), (2, 0) on conflict do nothing');
    limited = await createAppRole(testDb, 'limited', limits);
    // No server-side limits: a pooler that drops the settings, as some are reported to.
    unlimited = await createAppRole(testDb, 'unlimited');
    // Few server connections for many clients, so statements of different callers interleave on them.
    bouncer = await startPgBouncer({
      upstream: testDb.url,
      poolSize: 4,
      users: { [limited.name]: limited.password, [unlimited.name]: unlimited.password },
    });
  });
  afterAll(async () => {
    await Promise.allSettled(created.map((database) => database.end()));
    await bouncer?.stop();
    await limited?.drop();
    await unlimited?.drop();
    await testDb?.admin.query('drop table if exists pooler_locks');
    await testDb?.close();
  });

  const paths = {
    direct: (url: string) => url,
    pooled: (url: string) => bouncer.pooled(url),
  };
  function open(path: keyof typeof paths, role: AppRole, options: Partial<DatabaseOptions> = {}): Database {
    const database = testDb.create({
      connectionString: paths[path](role.url),
      statementTimeoutMs: LIMIT_MS,
      // These tests prove what reaches the server, not how fast a connection opens: a loaded CI
      // machine (SCRAM through PgBouncer, sixteen callers) must not turn a slow connect into a failure.
      connectTimeoutMs: SLOW_MACHINE_MS,
      queueTimeoutMs: SLOW_MACHINE_MS,
      ...options,
    });
    created.push(database);
    return database;
  }

  /** Holds row `id` of pooler_locks with FOR UPDATE in a transaction of its own until `release`. */
  async function lockRow(id: number): Promise<{ release: () => Promise<void> }> {
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    await client.query('begin');
    await client.query('select * from pooler_locks where id = $1 for update', [id]);
    return {
      async release() {
        await client.query('commit');
        await client.end();
      },
    };
  }

  describe.each(['direct', 'pooled'] as const)('%s', (path) => {
    it('should open connections, run queries and transactions (no start-up parameter the pooler refuses)', async () => {
      const database = open(path, limited);
      expect(await database.query<{ ok: number }>('select 1 as ok')).toEqual([{ ok: 1 }]);
      const rows = await database.transaction((tx) =>
        tx.query<{ n: number }>('select n from pooler_locks where id = 2'),
      );
      expect(rows).toEqual([{ n: 0 }]);
    });

    it("should report the server's statement limit for the app's role, read through this path", async () => {
      const ping = await pingDatabase(open(path, limited));
      expect(ping).toMatchObject({ ok: true, statementTimeoutMs: LIMIT_MS });
    });

    it('should have the server cancel an over-long statement, alone and in a transaction, and leave no backend busy', async () => {
      const database = open(path, limited);
      for (const run of [
        () => database.query('select pg_sleep(10)'),
        () => database.transaction((tx) => tx.query('select pg_sleep(10)')),
      ]) {
        const error = await run().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(QueryTimeoutError);
        expect(error).toMatchObject({ reason: 'statement_timeout', status: 503, retryAfterSeconds: 2 });
      }
      const sessions = await sessionsOf(testDb, limited.name);
      expect(sessions.active ?? 0).toBe(0);
      expect(sessions['idle in transaction'] ?? 0).toBe(0);
      expect(await database.query('select 1 as ok')).toEqual([{ ok: 1 }]);
    });

    it('should give up a lock wait at lock_timeout, roll back, and hold nothing afterwards', async () => {
      const database = open(path, limited, { max: 1 });
      const lock = await lockRow(1);
      try {
        const error = await database
          .transaction((tx) => tx.query('update pooler_locks set n = n + 1 where id = 1'))
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'QueryTimeoutError', reason: 'lock_timeout' });
        expect((await sessionsOf(testDb, limited.name))['idle in transaction'] ?? 0).toBe(0);
        // The pool's one connection is clean: the next request goes through while the lock is still held.
        expect(await database.query('select n from pooler_locks where id = 2')).toEqual([{ n: 0 }]);
      } finally {
        await lock.release();
      }
    });

    it('should destroy a connection whose statement outlived the client backstop, so nothing it held survives', async () => {
      // No server limit: only the client's backstop (statementTimeoutMs + 1 s) ends the wait.
      const database = open(path, unlimited, { max: 1, statementTimeoutMs: 200 });
      const lock = await lockRow(1);
      let error: unknown;
      try {
        error = await database
          .transaction((tx) => tx.query('select * from pooler_locks where id = 1 for update'))
          .catch((e: unknown) => e);
      } finally {
        await lock.release();
      }
      expect(error).toMatchObject({ name: 'QueryTimeoutError', reason: 'client_backstop' });
      // Destroyed, not returned to the pool (where its ROLLBACK would queue behind the statement).
      expect(database.metrics()).toMatchObject({ total: 0, active: 0 });
      await waitFor(
        () => sessionsOf(testDb, unlimited.name),
        (sessions) => (sessions['idle in transaction'] ?? 0) === 0 && (sessions.active ?? 0) === 0,
        'the abandoned session to end',
      );
      expect(await database.query('select n from pooler_locks where id = 1')).toEqual([{ n: 0 }]);
    });

    it('should run the proposals store with statements of many callers interleaved on few server connections', async () => {
      const database = open(path, limited, { max: 8 });
      const made = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          database.transaction((tx) =>
            insertProposal(tx, { title: `pooled-${path}-${i}`, clientName: 'Pooler', amountCents: i }),
          ),
        ),
      );
      const updated = await Promise.all(
        made.map(({ proposal }) =>
          database.transaction((tx) => updateProposal(tx, proposal.id, { status: 'sent' }, null)),
        ),
      );
      expect(updated.every(({ proposal }) => proposal.status === 'sent')).toBe(true);
      const listed = await listProposals(database, { limit: 100 });
      expect(listed.data.filter((p) => p.title.startsWith(`pooled-${path}-`))).toHaveLength(16);
    });

    it('should create one proposal for ten identical writes racing with one Idempotency-Key', async () => {
      const database = open(path, limited, { max: 10 });
      const title = `idempotent-${path}-${Date.now()}`;
      const request = { scope: `pooler-test-${path}`, key: title, fingerprint: 'same request' };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          runIdempotent(database, request, 24, async (tx) => {
            const { proposal } = await insertProposal(tx, { title, clientName: 'Pooler', amountCents: 1 });
            return { status: 201, headers: {}, body: JSON.stringify(proposal) };
          }),
        ),
      );
      const rows = await database.query<{ n: number }>('select count(*)::int as n from proposals where title = $1', [
        title,
      ]);
      expect(rows).toEqual([{ n: 1 }]);
      expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
      expect(new Set(answers.map(({ answer }) => answer.body)).size).toBe(1);
    });
  });

  describe('failures that name their cause (never the URL or the password)', () => {
    const reasonOf = async (database: Database) => {
      const error = await database.query('select 1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const { reason, message } = error as DatabaseUnavailableError;
      return { reason, message };
    };

    it('should say the pooler refused a start-up parameter', async () => {
      const url = new URL(bouncer.pooled(limited.url));
      url.searchParams.set('options', '-c statement_timeout=1000');
      const { reason, message } = await reasonOf(open('direct', { ...limited, url: url.toString() }));
      expect(reason).toBe('startup_parameter_refused');
      expect(message).not.toContain(limited.password);
    });

    it('should say the credentials were refused', async () => {
      const url = new URL(bouncer.pooled(limited.url));
      url.password = 'not-the-password-0123456789';
      const { reason, message } = await reasonOf(open('direct', { ...limited, url: url.toString() }));
      expect(reason).toBe('authentication_failed');
      expect(message).not.toMatch(/0123456789/);
    });

    it('should say the host could not be reached, without blaming a timeout', async () => {
      const url = new URL(limited.url);
      url.port = String(await freePort());
      const { reason, message } = await reasonOf(open('direct', { ...limited, url: url.toString() }));
      expect(reason).toBe('unreachable');
      expect(message).not.toMatch(/timeout|within/i);
    });
  });
});

describe('database:serverConnections', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await useTestDatabase();
  });
  afterAll(async () => {
    await testDb?.close();
  });

  it("should count only this database's connections of the app as the app's", async () => {
    const other = `pooler_other_${process.pid}`;
    await testDb.admin.query(`create database ${other}`);
    const otherUrl = new URL(testDb.url);
    otherUrl.pathname = `/${other}`;
    const elsewhere = testDb.create({ connectionString: otherUrl.toString(), applicationName: 'app-count', max: 3 });
    const here = testDb.create({ applicationName: 'app-count', max: 1 });
    try {
      await Promise.all(Array.from({ length: 3 }, () => elsewhere.query('select pg_sleep(0.05)')));
      const ping = await pingDatabase(here);
      expect(ping.serverConnections?.app).toBe(1);
    } finally {
      await elsewhere.end();
      await testDb.admin.query(`drop database ${other} with (force)`);
    }
  });
});
