import type { Server } from 'node:net';
import { createServer } from 'node:net';
import { APPLICATION_NAME } from '@app/db';
import { netlifyDbUrlPath } from '@app/runtime/database-path';
import type { PostgresServer } from '@app/stack/postgres';
import { startPostgresServer } from '@app/stack/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeAttacks } from './serve/attacks.ts';
import { describeLogs } from './serve/logs.ts';
import { describeRetries } from './serve/retries.ts';
import { describeWatch } from './serve/watch.ts';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import type { DevServer } from './support/dev-server.ts';
import type { FakeSentry } from './support/fake-sentry.ts';
import { startFakeSentry } from './support/fake-sentry.ts';
import { runScript } from './support/run-script.ts';
import { allFrozen, functionStats, getStatus, head, IDLE_TIMEOUT_MS, serve, stats, token } from './support/serve.ts';
import { buildOnce } from './support/shared-build.ts';
import { waitFor } from './support/wait-for.ts';

// `pnpm serve` runs the deploy zips in instances that are Node processes, frozen with SIGSTOP
// between requests: these tests drive production's failure modes through the real bootstrap,
// the real Neon driver, real PostgreSQL and the real Sentry SDK (to a local receiver).

describe('pnpm serve', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await useTestDatabase();
    await buildOnce();
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const create = async (server: DevServer, title: string) => {
    const response = await fetch(new URL('/api/proposals', server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, clientName: 'Serve test', amountCents: 100 }),
    });
    await response.arrayBuffer();
    return response;
  };
  const rowsTitled = async (title: string) =>
    (await testDb.admin.query<{ n: number }>('select count(*)::int as n from proposals where title = $1', [title]))[0]
      ?.n;
  const terminateAppConnections = () =>
    testDb.admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
      [APPLICATION_NAME],
    );

  describe('a warm instance, frozen and thawed', () => {
    let server: DevServer;
    let sentry: FakeSentry;
    beforeAll(async () => {
      sentry = await startFakeSentry();
      server = await serve(testDb, ['--retire-after', '120'], {
        SENTRY_DSN: sentry.dsn,
        FEATURE_DEBUG_ERROR_ENABLED: 'true',
      });
    });
    afterAll(async () => {
      await server?.stop();
      await sentry?.close();
    });

    // First, while only this instance has connections: timers do not fire in a stopped process, so
    // its idle connection outlives DB_IDLE_TIMEOUT_MS — the "suspension leaks connections" of Neon's guide.
    it('should keep a frozen instance idle connection open past DB_IDLE_TIMEOUT_MS', async () => {
      expect(await testDb.countConnections(APPLICATION_NAME)).toBe(0);
      expect(await getStatus(server, '/api/proposals')).toBe(200);
      await waitFor(() => functionStats(server, 'proposals'), allFrozen, 'the proposals instance to freeze');
      await new Promise((resolve) => setTimeout(resolve, IDLE_TIMEOUT_MS * 3));
      expect(await testDb.countConnections(APPLICATION_NAME)).toBe(1);
    });

    it('should run the zip through its own entry point, as deploy-preview, without the edge-only headers', async () => {
      const response = await fetch(new URL('/api/health', server.baseUrl));
      expect(response.status).toBe(200);
      expect([...response.headers.keys()].filter((name) => name.startsWith('x-nf-'))).toEqual([]);
      const health = await functionStats(server, 'health');
      expect(health.coldStarts).toBe(1);
      // netlify build bakes the commit it built into the bundle as the release.
      expect(((await response.json()) as { releaseId?: string }).releaseId).toBe(head);
    });

    it('should answer 200 on a thawed instance whose connections the server closed while it was frozen', async () => {
      expect(await getStatus(server, '/api/proposals')).toBe(200);
      await waitFor(() => functionStats(server, 'proposals'), allFrozen, 'the proposals instance to freeze');
      const before = await functionStats(server, 'proposals');
      await terminateAppConnections();
      await new Promise((resolve) => setTimeout(resolve, IDLE_TIMEOUT_MS + 500));

      const title = `thaw-after-idle-${Date.now()}`;
      const created = await create(server, title);
      expect(created.status).toBe(201);
      expect(await rowsTitled(title)).toBe(1);
      expect(await getStatus(server, '/api/proposals')).toBe(200);
      const after = await functionStats(server, 'proposals');
      // The same instance served them: no cold start in between.
      expect(after.coldStarts).toBe(before.coldStarts);
      expect(after.invocations).toBe(before.invocations + 2);
    });

    it('should apply a write exactly once when its pooled connection died during the freeze (no idle timeout in between)', async () => {
      expect(await getStatus(server, '/api/proposals')).toBe(200);
      await waitFor(() => functionStats(server, 'proposals'), allFrozen, 'the proposals instance to freeze');
      const before = await functionStats(server, 'proposals');
      await terminateAppConnections();

      const title = `thaw-dead-connection-${Date.now()}`;
      const created = await create(server, title);
      expect(created.status).toBe(201);
      expect(await rowsTitled(title)).toBe(1);
      expect((await functionStats(server, 'proposals')).coldStarts).toBe(before.coldStarts);
    });

    it('should deliver the Sentry event of a thrown error before the instance is frozen', async () => {
      const response = await fetch(new URL('/api/debug/error', server.baseUrl));
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as { error: { errorId: string } };
      // Frozen right after the invocation; the event must already be at the receiver.
      await waitFor(() => functionStats(server, 'debug-error'), allFrozen, 'the debug-error instance to freeze');
      const tagged = sentry.events().filter((event) => event.tags?.errorId === error.errorId);
      expect(tagged).toHaveLength(1);
    });
  });

  describe('with Sentry ingest black-holed', () => {
    let server: DevServer;
    let blackHole: Server;
    beforeAll(async () => {
      // Reads what it is sent and never answers, like an ingest behind a dead network path.
      blackHole = createServer((socket) => socket.resume());
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      const address = blackHole.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server = await serve(testDb, [], {
        SENTRY_DSN: `http://publickey@127.0.0.1:${port}/1`,
        FEATURE_DEBUG_ERROR_ENABLED: 'true',
      });
    });
    afterAll(async () => {
      await server?.stop();
      await new Promise((resolve) => blackHole?.close(resolve));
    });

    it('should answer before the report is given up on, the instance finishing the send after the response', async () => {
      const response = await fetch(new URL('/api/debug/error', server.baseUrl));
      expect(response.status).toBe(500);
      await response.json();
      // The answer is complete while the invocation still waits on the ingest (waitUntil)...
      const right = await functionStats(server, 'debug-error');
      expect(right.instances.map((i) => i.state)).toEqual(['busy']);
      // ...and the instance freezes once the bounded send gives up.
      await waitFor(() => functionStats(server, 'debug-error'), allFrozen, 'the debug-error instance to freeze');
    });
  });

  describe('instances', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serve(testDb, ['--retire-after', '2']);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('should serve sequential requests from one instance with one cold start', async () => {
      for (let i = 0; i < 5; i += 1) expect(await getStatus(server, '/api/health')).toBe(200);
      const health = await functionStats(server, 'health');
      expect(health.coldStarts).toBe(1);
      expect(health.instances[0]?.requests).toBe(5);
    });

    it('should start at most one instance per concurrent client, hold no more connections than instances, and let go after retiring', async () => {
      let peakConnections = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peakConnections = Math.max(peakConnections, await testDb.countConnections(APPLICATION_NAME));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 15 }, async () => {
          for (let i = 0; i < 6; i += 1) {
            const response = await fetch(new URL('/api/proposals', server.baseUrl));
            await response.arrayBuffer();
            statuses.push(response.status);
          }
        }),
      );
      sampling = false;
      await sampler;
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      const proposals = await functionStats(server, 'proposals');
      expect(proposals.invocations).toBe(90);
      expect(proposals.peak).toBeLessThanOrEqual(15);
      // Fifteen requests in flight at once cannot share one instance.
      expect(proposals.peak).toBeGreaterThan(1);
      // Each instance serves one request at a time on one connection: never more connections than
      // instances (the health instance of the test before still holds its own, frozen).
      const instancesAlive = (await stats(server)).functions.reduce((sum, f) => sum + f.peak, 0);
      expect(peakConnections).toBeGreaterThan(0);
      expect(peakConnections).toBeLessThanOrEqual(instancesAlive);

      await waitFor(
        () => functionStats(server, 'proposals'),
        (f) => f.live === 0,
        'every instance to retire',
      );
      await waitFor(
        () => testDb.countConnections(APPLICATION_NAME),
        (n) => n === 0,
        'connections to close',
      );
    });
  });

  describe('pnpm load against it, through the pooler when PgBouncer is installed', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serve(testDb, ['--pooler']);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('should say which model produced the numbers and report instances and connections', async () => {
      // Behaviour, not this machine's speed: latency bounds are lifted.
      const { code, output } = await runScript(
        'load',
        ['--scenario', 'steady-open', '--target', server.baseUrl, '--duration', '3', '--rate', '40', '--p99', '60000'],
        { ...process.env, DATABASE_URL: testDb.url, API_TOKEN: token },
      );
      expect(code, output).toBe(0);
      expect(output).toContain('open model: 40 requests/s on a fixed schedule');
      expect(output).toMatch(/^total\s+120\s/m);
      expect(output).toMatch(/pnpm serve instances: [1-9]\d* cold starts during the run, [1-9]\d* alive after it/);
      expect(output).toMatch(/app PostgreSQL connections: before \d+, peak [1-9]\d*, after \d+/);
      expect(output).toMatch(
        /database CPU \(its PostgreSQL processes\): peak \d+ % of one core .*, [\d.]+ ms per request/,
      );
      if (inject('pgbouncer')) {
        expect(output).toMatch(
          /pooler \(PgBouncer, Neon's settings\): at most [1-9]\d* client connections from the instances onto [1-9]\d* server connections/,
        );
      }
    });

    it('should retry writes with their Idempotency-Key and If-Match, and lose or duplicate none (--scenario retries)', async () => {
      const { code, output } = await runScript(
        'load',
        ['--scenario', 'retries', '--target', server.baseUrl, '--duration', '3'],
        { ...process.env, DATABASE_URL: testDb.url, API_TOKEN: token },
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/^writes: [1-9]\d* operations, \d+ retried attempts/m);
      expect(output).toMatch(/^duplicates: 0$/m);
      expect(output).toMatch(/^lost updates: 0$/m);
      expect(output).toContain('PASS retries');
    });
  });

  describe.skipIf(!inject('pgbouncer'))("through PgBouncer with Neon's pooler settings (the default)", () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serve(testDb, ['--pooler']);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('should say so, and serve health, writes and reads with the server-side limit in force', async () => {
      expect(server.output()).toMatch(/database .* through PgBouncer \(Neon's pooler settings\)/);
      const health = await fetch(new URL('/api/health', server.baseUrl));
      const body = (await health.json()) as { checks: { 'database:responseTime': [{ statementTimeoutMs?: number }] } };
      expect(health.status).toBe(200);
      // The migrations' role default, read back through the pooler.
      expect(body.checks['database:responseTime'][0].statementTimeoutMs).toBe(5_000);
      const title = `pooled-serve-${Date.now()}`;
      const created = await create(server, title);
      expect(created.status).toBe(201);
      expect(await rowsTitled(title)).toBe(1);
      expect(await getStatus(server, '/api/proposals?limit=5')).toBe(200);
    });
  });

  describe("Netlify Database's URL, sent with each event and rotated", () => {
    // A real PostgreSQL that checks passwords (the run's may trust every local connection).
    let postgres: PostgresServer;
    let admin: pg.Client;
    let server: DevServer;
    const role = `app_rotated_${process.pid}`;
    const password = (n: number) => `rotated-password-${n}-0123456789`;
    const urlWith = (n: number) => {
      const url = new URL(postgres.url);
      Object.assign(url, { username: role, password: password(n), pathname: `/${role}` });
      return url.toString();
    };
    const rotate = async (n: number) => {
      await admin.query(`alter role ${role} password '${password(n)}'`);
    };
    const putUrl = (n: number) => fetch(new URL(netlifyDbUrlPath, server.baseUrl), { method: 'PUT', body: urlWith(n) });
    const appBackends = async () =>
      (await admin.query<{ pid: number }>('select pid from pg_stat_activity where usename = $1', [role])).rows.map(
        (row) => row.pid,
      );

    beforeAll(async () => {
      postgres = await startPostgresServer();
      admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query(`create role ${role} login password '${password(1)}'`);
      await admin.query(`create database ${role} owner ${role}`);
      // As on the platform: the URL is not in the environment, only in each event.
      server = await serve(testDb, [], { DATABASE_URL: undefined, NETLIFY_DB_URL: urlWith(1) });
    });
    afterAll(async () => {
      await server?.stop();
      await admin?.end();
      await postgres?.stop();
    });

    it('should follow a rotated URL on the same warm instance, close the old connections, and live through a stale one', async () => {
      expect(server.output()).toContain('Netlify Database (NETLIFY_DB_URL, sent in each event)');
      expect(await getStatus(server, '/api/health')).toBe(200);
      const first = await functionStats(server, 'health');
      const oldBackends = await appBackends();
      expect(oldBackends.length).toBeGreaterThan(0);

      // The password changes, and the URL the events carry with it.
      await rotate(2);
      expect((await putUrl(2)).status).toBe(204);
      expect(await getStatus(server, '/api/health')).toBe(200);
      await waitFor(appBackends, (pids) => !pids.some((pid) => oldBackends.includes(pid)), 'the old pool to close');

      // The password changes again (and its sessions are cut), but the events still carry the old URL.
      await rotate(3);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role]);
      const stale = await fetch(new URL('/api/proposals', server.baseUrl));
      expect(stale.status).toBe(503);
      expect(stale.headers.get('retry-after')).not.toBeNull();
      expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
      // The operator's one curl names the cause, never the URL or the password.
      const health = await fetch(new URL('/api/health', server.baseUrl));
      const healthText = await health.text();
      expect(health.status).toBe(503);
      expect(healthText).toContain('DatabaseUnavailableError: authentication_failed');
      expect(healthText).not.toContain(password(2));

      expect((await putUrl(3)).status).toBe(204);
      expect(await getStatus(server, '/api/health')).toBe(200);
      expect(await getStatus(server, '/api/proposals')).toBe(200);
      const last = await functionStats(server, 'health');
      // The same instance all along: no new cold start, no crash.
      expect(last.coldStarts).toBe(first.coldStarts);
      expect(last.crashed).toBe(0);
      expect((await functionStats(server, 'proposals')).crashed).toBe(0);
    });

    it('should refuse a change that is not a postgres URL, or not a PUT', async () => {
      const bad = await fetch(new URL(netlifyDbUrlPath, server.baseUrl), { method: 'PUT', body: 'not a url' });
      expect(bad.status).toBe(400);
      const wrongMethod = await fetch(new URL(netlifyDbUrlPath, server.baseUrl), { method: 'POST', body: urlWith(3) });
      expect(wrongMethod.status).toBe(405);
    });
  });

  describeAttacks(() => testDb);
  describeRetries(() => testDb);
  describeLogs(() => testDb);
  describeWatch(() => testDb);
});
