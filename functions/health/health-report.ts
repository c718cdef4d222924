import type { PingResult, PoolMetrics } from '@app/db';

export type HealthStatus = 'pass' | 'warn' | 'fail';

/** A ping slower than this eats half of the p99 budget (500 ms) on its own: `warn`. */
export const SLOW_RESPONSE_MS = 250;

/**
 * Past this share of the server's `max_connections` held by this app (every instance together):
 * `warn` — new instances are close to being refused connections. Never `fail` on its own: the
 * server still answers, and frozen instances' idle connections count here until they retire.
 */
export const SERVER_CONNECTIONS_WARN_FRACTION = 0.8;

/** draft-inadarei-api-health-check body. */
export interface HealthReport {
  status: HealthStatus;
  version: string;
  releaseId: string;
  description: string;
  checks: {
    'database:responseTime': [
      {
        componentType: 'datastore';
        observedValue: number;
        observedUnit: 'ms';
        status: HealthStatus;
        time: string;
        /** The server's `statement_timeout` for this app's statements, read through the query path; 0 = none. */
        statementTimeoutMs?: number;
        output?: string;
      },
    ];
    'database:connections': [
      {
        componentType: 'datastore';
        observedValue: number;
        observedUnit: 'connections';
        status: HealthStatus;
        time: string;
        active: number;
        idle: number;
        waiting: number;
        total: number;
        max: number;
      },
    ];
    /** The database server's view, across every instance (absent when it could not be read). */
    'database:serverConnections'?: [
      {
        componentType: 'datastore';
        /** This app's client connections (`application_name`), all instances together. */
        observedValue: number;
        observedUnit: 'connections';
        status: HealthStatus;
        time: string;
        /** Every client connection the server holds, any application. */
        total: number;
        /** The server's `max_connections`. */
        max: number;
      },
    ];
  };
}

const worst = (...statuses: HealthStatus[]): HealthStatus =>
  statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';

/** Why the server's statement limit is not the one the app expects, or undefined when it is. */
function statementLimitProblem(ping: PingResult, expectedMs: number): string | undefined {
  if (!ping.ok || ping.statementTimeoutMs === undefined) return undefined;
  if (ping.statementTimeoutMs === 0)
    return 'no server-side statement_timeout: run the migrations (docs/database.md#time-limits)';
  if (ping.statementTimeoutMs > expectedMs) return `statement_timeout above DB_STATEMENT_TIMEOUT_MS (${expectedMs} ms)`;
  return undefined;
}

/**
 * Builds the health body. `fail` when the database does not answer in time; `warn` when it
 * answers slower than `SLOW_RESPONSE_MS`, when the server enforces no statement limit or a longer
 * one than `expectedStatementTimeoutMs`, or when the pool is saturated (callers queued, or every
 * connection checked out).
 */
export function buildHealthReport(
  ping: PingResult,
  pool: PoolMetrics | undefined,
  releaseId: string,
  expectedStatementTimeoutMs: number,
): HealthReport {
  const time = new Date().toISOString();
  const limitProblem = statementLimitProblem(ping, expectedStatementTimeoutMs);
  const responseStatus: HealthStatus = !ping.ok
    ? 'fail'
    : ping.responseTimeMs > SLOW_RESPONSE_MS || limitProblem !== undefined
      ? 'warn'
      : 'pass';
  const metrics = pool ?? { active: 0, idle: 0, waiting: 0, total: 0, max: 0 };
  const poolStatus: HealthStatus =
    pool === undefined ? 'fail' : metrics.waiting > 0 || metrics.active >= metrics.max ? 'warn' : 'pass';
  const server = ping.serverConnections;
  const serverStatus: HealthStatus =
    server !== undefined && server.app >= server.max * SERVER_CONNECTIONS_WARN_FRACTION ? 'warn' : 'pass';
  return {
    status: worst(responseStatus, poolStatus, serverStatus),
    version: '1',
    releaseId,
    description: 'Proposals API',
    checks: {
      'database:responseTime': [
        {
          componentType: 'datastore',
          observedValue: Math.round(ping.responseTimeMs * 10) / 10,
          observedUnit: 'ms',
          status: responseStatus,
          time,
          ...(ping.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: ping.statementTimeoutMs }),
          // The error's class name and cause only: driver messages can hold hosts and user names.
          ...(ping.ok
            ? limitProblem === undefined
              ? {}
              : { output: limitProblem }
            : { output: ping.errorName ?? 'Error' }),
        },
      ],
      'database:connections': [
        {
          componentType: 'datastore',
          observedValue: metrics.total,
          observedUnit: 'connections',
          status: poolStatus,
          time,
          active: metrics.active,
          idle: metrics.idle,
          waiting: metrics.waiting,
          total: metrics.total,
          max: metrics.max,
        },
      ],
      ...(server === undefined
        ? {}
        : {
            'database:serverConnections': [
              {
                componentType: 'datastore',
                observedValue: server.app,
                observedUnit: 'connections',
                status: serverStatus,
                time,
                total: server.total,
                max: server.max,
              },
            ] as const,
          }),
    },
  };
}
