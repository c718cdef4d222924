import { getDatabase } from '@app/db';
import { getEnv, resetEnvCache } from '@app/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import health from '../functions/health/index.ts';
import proposals from '../functions/proposals/index.ts';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { healthBody } from './support/health-schema.ts';

// The second supported setup: no DATABASE_URL, Netlify Database's NETLIFY_DB_URL (which Netlify's
// bootstrap sets from the invocation, and netlify dev from its local database) — the real handlers,
// in-process, as a deploy preview, against the run's PostgreSQL.
const token = 'netlify-db-token-0123456789abcdef';
let testDb: TestDatabase;
const context = { deploy: { context: 'deploy-preview', id: 'deploy-1' } };

beforeAll(async () => {
  testDb = await useTestDatabase();
  delete process.env.DATABASE_URL;
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    NETLIFY_DB_URL: testDb.url,
    DB_WS_PROXY: testDb.wsProxy,
    API_TOKEN: token,
  });
  resetEnvCache();
});
afterAll(async () => {
  await getDatabase(getEnv(context)).end();
  await testDb.close();
});

describe('Netlify Database (NETLIFY_DB_URL) as the only database', () => {
  it('should resolve the pool from NETLIFY_DB_URL', () => {
    expect(getEnv(context)).toMatchObject({ databaseSource: 'NETLIFY_DB_URL', DATABASE_URL: testDb.url });
  });

  it('should serve health with the same checks', async () => {
    const response = await health(new Request('http://localhost/api/health'), context);
    expect(response.status).toBe(200);
    const body = healthBody.parse(await response.json());
    expect(body.status).toBe('pass');
    expect(body.checks['database:serverConnections']?.[0].observedValue).toBeGreaterThanOrEqual(1);
  });

  it('should create and list proposals', async () => {
    const title = `netlify-db-${Date.now()}`;
    const created = await proposals(
      new Request('http://localhost/api/proposals', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, clientName: 'Netlify DB', amountCents: 100 }),
      }),
      context,
    );
    expect(created.status).toBe(201);
    const listed = await proposals(new Request('http://localhost/api/proposals?limit=100'), context);
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { data: Array<{ title: string }> };
    expect(page.data.some((item) => item.title === title)).toBe(true);
  });
});
