import { APPLICATION_NAME, getDatabase } from '@app/db';
import { getEnv, resetEnvCache } from '@app/env';
import { withObservability } from '@app/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import health from '../functions/health/index.ts';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { healthBody } from './support/health-schema.ts';

// The real handler, in-process, against the run's PostgreSQL with a pool of 2 that queues 300 ms.
let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await useTestDatabase();
  Object.assign(process.env, {
    CONTEXT: 'dev',
    LOG_LEVEL: 'error',
    DATABASE_URL: testDb.url,
    DB_WS_PROXY: testDb.wsProxy,
    DB_POOL_MAX: '2',
    DB_QUEUE_TIMEOUT_MS: '300',
  });
  resetEnvCache();
});
afterAll(async () => {
  await getDatabase(getEnv()).end();
  await testDb.close();
});

/** Checks out every connection of the function's pool until the returned function is called. */
async function saturatePool() {
  const releases: Array<() => void> = [];
  const done: Promise<unknown>[] = [];
  for (let i = 0; i < 2; i += 1) {
    const ready = new Promise<void>((resolve) => {
      done.push(
        getDatabase(getEnv()).transaction(
          () =>
            new Promise<void>((release) => {
              releases.push(release);
              resolve();
            }),
        ),
      );
    });
    await ready;
  }
  return {
    releaseOne: () => releases.shift()?.(),
    releaseAll: async () => {
      for (const release of releases.splice(0)) release();
      await Promise.all(done);
    },
  };
}

const get = async () => {
  const response = await health(new Request('http://localhost/api/health'), {});
  return { status: response.status, headers: response.headers, body: healthBody.parse(await response.json()) };
};

describe('health', () => {
  it('should pass with an idle pool', async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body.status).toBe('pass');
    expect(body.checks['database:connections'][0]).toMatchObject({ status: 'pass', max: 2, waiting: 0 });
    // The limit the migrations set on the app's role, read back through the query path.
    expect(body.checks['database:responseTime'][0]).toMatchObject({ status: 'pass', statementTimeoutMs: 5_000 });
  });

  it('should warn, with 200, when it found the pool saturated but got an answer', async () => {
    const pool = await saturatePool();
    setTimeout(pool.releaseOne, 100);
    const { status, body } = await get();
    await pool.releaseAll();
    expect(status).toBe(200);
    expect(body.status).toBe('warn');
    expect(body.checks['database:connections'][0]).toMatchObject({ status: 'warn', active: 2, total: 2 });
    expect(body.checks['database:responseTime'][0].status).toBe('pass');
  });

  it('should fail, with 503, when no connection frees up in time', async () => {
    const pool = await saturatePool();
    const { status, headers, body } = await get();
    await pool.releaseAll();
    expect(status).toBe(503);
    expect(headers.get('content-type')).toBe('application/health+json');
    expect(body.status).toBe('fail');
    expect(body.checks['database:responseTime'][0]).toMatchObject({ status: 'fail', output: 'PoolTimeoutError' });
  });
});

describe('a function whose query waits past DB_QUEUE_TIMEOUT_MS', () => {
  it('should answer 503 with Retry-After and the generic body', async () => {
    const handler = withObservability(async () => {
      await getDatabase(getEnv()).query('select 1');
      return new Response('unreachable');
    });
    const pool = await saturatePool();
    const response = await handler(new Request('http://localhost/api/x'), {});
    await pool.releaseAll();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      error: {
        code: 'database_busy',
        message: 'The service is temporarily unavailable; retry later',
        errorId: expect.stringMatching(/^ERR-/),
      },
    });
  });

  it("should count this app's connections across instances, from the server's view", async () => {
    const before = (await get()).body.checks['database:serverConnections']?.[0];
    expect(before).toMatchObject({ status: 'pass', max: expect.any(Number) });
    // Three other "instances": pools of their own, with the functions' application_name.
    const others = Array.from({ length: 3 }, () => testDb.create({ applicationName: APPLICATION_NAME, max: 1 }));
    await Promise.all(others.map((other) => other.query('select 1')));
    const after = (await get()).body.checks['database:serverConnections']?.[0];
    await Promise.all(others.map((other) => other.end()));
    expect(after?.observedValue).toBeGreaterThanOrEqual((before?.observedValue ?? 0) + 3);
    expect(after?.total).toBeGreaterThanOrEqual(after?.observedValue ?? 0);
  });
});
