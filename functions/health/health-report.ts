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

/**
 * Where the function runs and where its database is: the round trip between them is in every query.
 * The database's region, not its host: this endpoint answers anyone.
 */
export interface Regions {
  /** `AWS_REGION` as the platform sets it; `unknown` where it does not (netlify dev). */
  function: string;
  /** A Neon host's region (`us-east-2`), `local` for this machine, else `unknown`. */
  database: string;
  /** Set when the two differ: every query crosses regions. */
  output?: string;
}

/** draft-inadarei-api-health-check body. */
export interface HealthReport {
  status: HealthStatus;
  version: string;
  releaseId: string;
  description: string;
  regions: Regions;
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
function statementLimitProblem(ping: PingResult, expectedMs: number | undefined): string | undefined {
  if (!ping.ok || ping.statementTimeoutMs === undefined || expectedMs === undefined) return undefined;
  if (ping.statementTimeoutMs === 0)
    return 'no server-side statement_timeout: run the migrations (docs/database.md#time-limits)';
  if (ping.statementTimeoutMs > expectedMs) return `statement_timeout above DB_STATEMENT_TIMEOUT_MS (${expectedMs} ms)`;
  return undefined;
}

type Checks = HealthReport['checks'];
type ResponseTimeCheck = Checks['database:responseTime'][0];
type ConnectionsCheck = Checks['database:connections'][0];
type ServerConnectionsCheck = NonNullable<Checks['database:serverConnections']>[0];

/** `fail` without an answer in time; `warn` when slow, or when the server's statement limit is missing or too long. */
function responseTimeCheck(
  ping: PingResult,
  expectedStatementTimeoutMs: number | undefined,
  time: string,
): ResponseTimeCheck {
  const limitProblem = statementLimitProblem(ping, expectedStatementTimeoutMs);
  const slow = ping.responseTimeMs > SLOW_RESPONSE_MS;
  // The error's class name and cause only: driver messages can hold hosts and user names.
  const output = ping.ok ? limitProblem : (ping.errorName ?? 'Error');
  return {
    componentType: 'datastore',
    observedValue: Math.round(ping.responseTimeMs * 10) / 10,
    observedUnit: 'ms',
    status: !ping.ok ? 'fail' : slow || limitProblem !== undefined ? 'warn' : 'pass',
    time,
    ...(ping.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: ping.statementTimeoutMs }),
    ...(output === undefined ? {} : { output }),
  };
}

/** This instance's pool: `warn` when callers queued or every connection was checked out. */
function connectionsCheck(pool: PoolMetrics | undefined, time: string): ConnectionsCheck {
  const { active, idle, waiting, total, max } = pool ?? { active: 0, idle: 0, waiting: 0, total: 0, max: 0 };
  const status: HealthStatus = pool === undefined ? 'fail' : waiting > 0 || active >= max ? 'warn' : 'pass';
  return {
    componentType: 'datastore',
    observedValue: total,
    observedUnit: 'connections',
    status,
    time,
    active,
    idle,
    waiting,
    total,
    max,
  };
}

/** The server's view across every instance: `warn` from `SERVER_CONNECTIONS_WARN_FRACTION` of `max_connections`. */
function serverConnectionsCheck(ping: PingResult, time: string): ServerConnectionsCheck | undefined {
  const server = ping.serverConnections;
  if (server === undefined) return undefined;
  const status: HealthStatus = server.app >= server.max * SERVER_CONNECTIONS_WARN_FRACTION ? 'warn' : 'pass';
  const { total, max } = server;
  return {
    componentType: 'datastore',
    observedValue: server.app,
    observedUnit: 'connections',
    status,
    time,
    total,
    max,
  };
}

/** `ep-x-123-pooler.eu-central-1.aws.neon.tech` → `eu-central-1`. */
function databaseRegion(databaseUrl: string | undefined): string {
  if (databaseUrl === undefined || !URL.canParse(databaseUrl)) return 'unknown';
  const host = new URL(databaseUrl).hostname;
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]') return 'local';
  return /\.([a-z]{2}-[a-z]+-\d)\.aws\.neon\.tech$/.exec(host)?.[1] ?? 'unknown';
}

let lastRegions: { key: string; regions: Regions } | undefined;

/** Both regions; the same environment gives the same answer, so it is worked out once (a URL parse is not free). */
export function regionsOf(awsRegion: string | undefined, databaseUrl: string | undefined): Regions {
  const key = `${awsRegion}\n${databaseUrl}`;
  if (lastRegions?.key !== key) lastRegions = { key, regions: workOutRegions(awsRegion, databaseUrl) };
  return lastRegions.regions;
}

function workOutRegions(awsRegion: string | undefined, databaseUrl: string | undefined): Regions {
  const regions: Regions = { function: awsRegion ?? 'unknown', database: databaseRegion(databaseUrl) };
  const known = ![regions.function, regions.database].some((region) => region === 'unknown' || region === 'local');
  if (known && regions.function !== regions.database) {
    regions.output = `functions in ${regions.function}, database in ${regions.database}: every query crosses regions (docs/deploy.md#regions)`;
  }
  return regions;
}

/**
 * Builds the health body from one check per concern; the overall status is the worst of them.
 * `fail` when the database does not answer in time; `warn` when it answers slower than
 * `SLOW_RESPONSE_MS`, when the server enforces no statement limit or a longer one than
 * `expectedStatementTimeoutMs`, when the pool is saturated, or when the app holds most of the
 * server's connections.
 */
export function buildHealthReport(
  ping: PingResult,
  pool: PoolMetrics | undefined,
  releaseId: string,
  /** The limit the server should enforce (`DB_STATEMENT_TIMEOUT_MS`); undefined: report it, judge nothing. */
  expectedStatementTimeoutMs: number | undefined,
  regions: Regions = { function: 'unknown', database: 'unknown' },
): HealthReport {
  const time = new Date().toISOString();
  const responseTime = responseTimeCheck(ping, expectedStatementTimeoutMs, time);
  const connections = connectionsCheck(pool, time);
  const server = serverConnectionsCheck(ping, time);
  return {
    status: worst(responseTime.status, connections.status, server?.status ?? 'pass'),
    version: '1',
    releaseId,
    description: 'Proposals API',
    regions,
    checks: {
      'database:responseTime': [responseTime],
      'database:connections': [connections],
      ...(server === undefined ? {} : { 'database:serverConnections': [server] as const }),
    },
  };
}
