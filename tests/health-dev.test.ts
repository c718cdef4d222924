import { freePort } from '@app/stack/free-port';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';
import { healthBody } from './support/health-schema.ts';

describe('pnpm dev with the run PostgreSQL', () => {
  let app: DevServer;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl') });
  });
  afterAll(() => app?.stop());

  it.each(['/api/health', '/.netlify/functions/health'])('should answer 200 pass at %s', async (path) => {
    const response = await fetch(`${app.baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/health+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = healthBody.parse(await response.json());
    expect(body.status).toBe('pass');
    // netlify dev sets COMMIT_REF to the checkout's HEAD, as Netlify builds do.
    expect(body.releaseId).toMatch(/^([0-9a-f]{40}|dev)$/);
    expect(body.checks['database:connections'][0].max).toBe(25);
  });

  it('should answer HEAD with the status and no body', async () => {
    const response = await fetch(`${app.baseUrl}/api/health`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('should refuse other methods with 405 and the standard error body', async () => {
    const response = await fetch(`${app.baseUrl}/api/health`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use GET, HEAD' } });
  });
});

describe('pnpm dev with an unreachable database', () => {
  const canary = 'canary-db-password-5f3a9c';
  let app: DevServer;
  beforeAll(async () => {
    const closed = await freePort();
    app = await startDevServer({
      DATABASE_URL: `postgres://app:${canary}@127.0.0.1:${closed}/app`,
      DB_CONNECT_TIMEOUT_MS: '1000',
    });
  });
  afterAll(() => app?.stop());

  it('should answer 503 fail quickly, with no secret or driver message', async () => {
    const started = performance.now();
    const response = await fetch(`${app.baseUrl}/api/health`);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(503);
    const text = await response.text();
    const body = healthBody.parse(JSON.parse(text));
    expect(body.status).toBe('fail');
    expect(body.checks['database:responseTime'][0]).toMatchObject({
      status: 'fail',
      output: 'DatabaseUnavailableError: unreachable',
    });
    expect(text).not.toContain(canary);
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.ts/);
    // The 2 s health bound plus netlify dev's own per-request cost (docs/platform.md#netlify-dev-workers).
    expect(elapsed).toBeLessThan(4_000);
    expect(app.output()).not.toContain(canary);
  });
});

describe('pnpm dev with no DATABASE_URL', () => {
  let app: DevServer;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: '' });
  });
  afterAll(() => app?.stop());

  it("should serve from netlify dev's local Netlify Database, migrated, starting no database of its own", async () => {
    expect(app.output()).toMatch(
      /database {8}Netlify Database, netlify dev's local one \(data in \.netlify\/db\) at postgres/,
    );
    expect(app.output()).toMatch(/migrations {6}(applied 1764057600000_create-proposals|up to date)/);
    expect(app.output()).not.toContain('PGlite');
    const response = await fetch(`${app.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(healthBody.parse(await response.json()).status).toBe('pass');
    // The migrations are there: the API reads the table.
    expect((await fetch(`${app.baseUrl}/api/proposals`)).status).toBe(200);
  });
});
