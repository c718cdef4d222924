import { describe, expect, it } from 'vitest';
import { buildHealthReport, SERVER_CONNECTIONS_WARN_FRACTION } from './health-report.ts';

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
const ping = (app: number) => ({ ok: true, responseTimeMs: 3, serverConnections: { app, total: app + 5, max: 100 } });

describe('buildHealthReport: the server-wide connections check', () => {
  it('should pass below the documented fraction of max_connections', () => {
    const report = buildHealthReport(ping(SERVER_CONNECTIONS_WARN_FRACTION * 100 - 1), pool, 'r');
    expect(report.status).toBe('pass');
    expect(report.checks['database:serverConnections']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 79,
      max: 100,
    });
  });

  it('should warn, never fail, at or past it', () => {
    const report = buildHealthReport(ping(100), pool, 'r');
    expect(report.status).toBe('warn');
    expect(report.checks['database:serverConnections']?.[0]?.status).toBe('warn');
  });

  it('should leave the check out when the server could not say', () => {
    const report = buildHealthReport({ ok: true, responseTimeMs: 3 }, pool, 'r');
    expect(report.checks['database:serverConnections']).toBeUndefined();
    expect(report.status).toBe('pass');
  });
});
