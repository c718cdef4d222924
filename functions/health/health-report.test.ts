import { describe, expect, it } from 'vitest';
import { buildHealthReport, regionsOf, SERVER_CONNECTIONS_WARN_FRACTION } from './health-report.ts';

const pool = {
  active: 0,
  idle: 1,
  waiting: 0,
  total: 1,
  max: 25,
  connectionsOpened: 1,
  queueTimeouts: 0,
  connectionErrors: 0,
};
const ping = (app: number) => ({
  ok: true,
  responseTimeMs: 3,
  statementTimeoutMs: 5_000,
  serverConnections: { app, total: app + 5, max: 100 },
});

describe('buildHealthReport: the server-wide connections check', () => {
  it('should pass below the documented fraction of max_connections', () => {
    const report = buildHealthReport(ping(SERVER_CONNECTIONS_WARN_FRACTION * 100 - 1), pool, 'r', 5_000);
    expect(report.status).toBe('pass');
    expect(report.checks['database:serverConnections']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 79,
      max: 100,
    });
  });

  it('should warn, never fail, at or past it', () => {
    const report = buildHealthReport(ping(100), pool, 'r', 5_000);
    expect(report.status).toBe('warn');
    expect(report.checks['database:serverConnections']?.[0]?.status).toBe('warn');
  });

  it('should leave the check out when the server could not say', () => {
    const report = buildHealthReport({ ok: true, responseTimeMs: 3 }, pool, 'r', 5_000);
    expect(report.checks['database:serverConnections']).toBeUndefined();
    expect(report.status).toBe('pass');
  });
});

describe('buildHealthReport: the server-side statement limit', () => {
  const limit = (statementTimeoutMs: number) => ({ ok: true, responseTimeMs: 3, statementTimeoutMs });

  it('should report the limit and pass when the server enforces at most the expected one', () => {
    const check = buildHealthReport(limit(5_000), pool, 'r', 5_000).checks['database:responseTime'][0];
    expect(check).toMatchObject({ status: 'pass', statementTimeoutMs: 5_000 });
    expect(check.output).toBeUndefined();
  });

  it('should warn, saying why, when the server enforces none', () => {
    const report = buildHealthReport(limit(0), pool, 'r', 5_000);
    expect(report.status).toBe('warn');
    expect(report.checks['database:responseTime'][0]).toMatchObject({ statementTimeoutMs: 0, status: 'warn' });
    expect(report.checks['database:responseTime'][0].output).toMatch(/no server-side statement_timeout/);
  });

  it('should warn when the server allows longer than DB_STATEMENT_TIMEOUT_MS', () => {
    const check = buildHealthReport(limit(60_000), pool, 'r', 5_000).checks['database:responseTime'][0];
    expect(check.status).toBe('warn');
    expect(check.output).toMatch(/above DB_STATEMENT_TIMEOUT_MS/);
  });

  it("should report but not judge the limit when no expectation is given (netlify dev's local database)", () => {
    const check = buildHealthReport(limit(0), pool, 'r', undefined).checks['database:responseTime'][0];
    expect(check).toMatchObject({ status: 'pass', statementTimeoutMs: 0 });
  });
});

describe('regionsOf', () => {
  it("should name the function's and the Neon database's regions, and say when they differ", () => {
    const neon = 'postgres://app:pw@ep-cool-name-123456-pooler.eu-central-1.aws.neon.tech/app';
    expect(regionsOf('eu-central-1', neon)).toEqual({ function: 'eu-central-1', database: 'eu-central-1' });
    expect(regionsOf('us-east-2', neon)).toEqual({
      function: 'us-east-2',
      database: 'eu-central-1',
      output: expect.stringContaining('every query crosses regions'),
    });
  });

  it('should never show the host, and not judge what it cannot know', () => {
    expect(regionsOf(undefined, 'postgres://app:pw@127.0.0.1:5432/app')).toEqual({
      function: 'unknown',
      database: 'local',
    });
    const other = regionsOf('us-east-2', 'postgres://app:pw@db.internal.example.com/app');
    expect(other).toEqual({ function: 'us-east-2', database: 'unknown' });
    expect(JSON.stringify(other)).not.toContain('example.com');
  });
});
