import type { EndpointName } from './endpoints.ts';
import type { Thresholds } from './stats.ts';

export interface Scenario {
  description: string;
  /** Closed model: clients, each waiting for its answer before the next request. */
  connections: number;
  /** Open model: requests per second on a fixed schedule, answered or not (`connections` unused). */
  arrivalRate?: number;
  durationSeconds: number;
  weights: Partial<Record<EndpointName, number>>;
  thresholds: Thresholds;
  /** `ramp` only: concurrency levels tried in order, each for `durationSeconds`. */
  steps?: readonly number[];
  /**
   * `retries` only: clients that retry every unanswered write with its Idempotency-Key (retries.ts),
   * with this per-request timeout; the run fails unless no write was duplicated or lost.
   */
  retryTimeoutMs?: number;
}

/** The seed plan's success criteria: p99 under 500 ms, error rate under 0.1 %. */
const seedThresholds: Thresholds = { p99Ms: 500, maxErrorRate: 0.001 };

export const scenarios = {
  smoke: {
    description: 'a few requests per endpoint, to prove every path answers (functional, lenient latency)',
    connections: 5,
    durationSeconds: 3,
    weights: { health: 1, list: 1, get: 1, create: 1, update: 1 },
    thresholds: { p99Ms: 10_000, maxErrorRate: 0 },
  },
  steady: {
    description: 'the expected load: 15 clients, mostly reads',
    connections: 15,
    durationSeconds: 30,
    weights: { health: 20, list: 35, get: 25, create: 5, update: 15 },
    thresholds: seedThresholds,
  },
  burst: {
    description: '100 clients at once on health and proposal reads',
    connections: 100,
    durationSeconds: 15,
    weights: { health: 50, list: 25, get: 25 },
    thresholds: seedThresholds,
  },
  mixed: {
    description: '50 % reads, 30 % writes, 20 % health',
    connections: 15,
    durationSeconds: 30,
    weights: { list: 30, get: 20, create: 15, update: 15, health: 20 },
    thresholds: seedThresholds,
  },
  exhaustion: {
    description: 'more concurrent database work than the pool holds: queueing, then 503 + Retry-After, never a hang',
    connections: 60,
    durationSeconds: 20,
    weights: { list: 50, get: 50 },
    thresholds: { p99Ms: 10_000, maxErrorRate: 0.001, expectedStatuses: [503] },
  },
  'steady-open': {
    description:
      'the steady mix arriving at 150 requests/s whatever the answers do (open model: no coordinated omission)',
    connections: 15,
    arrivalRate: 150,
    durationSeconds: 30,
    weights: { health: 20, list: 35, get: 25, create: 5, update: 15 },
    thresholds: seedThresholds,
  },
  'mixed-open': {
    description: 'the mixed workload (30 % writes) arriving at 150 requests/s (open model)',
    connections: 15,
    arrivalRate: 150,
    durationSeconds: 30,
    weights: { list: 30, get: 20, create: 15, update: 15, health: 20 },
    thresholds: seedThresholds,
  },
  retries: {
    description:
      'clients with a short timeout that retry every failed write with the same Idempotency-Key (and If-Match): no duplicate, no lost update',
    connections: 15,
    durationSeconds: 20,
    weights: { create: 1, update: 1 },
    // Timeouts, 409 (key in use) and 412 (someone else's increment first) are the point here: they
    // are retried. What must hold is the data.
    thresholds: { p99Ms: 60_000, maxErrorRate: 1, expectedStatuses: [409, 412] },
    retryTimeoutMs: 300,
  },
  ramp: {
    description: 'steady mix at rising concurrency; reports the highest level that meets the thresholds',
    connections: 60,
    durationSeconds: 10,
    weights: { health: 20, list: 35, get: 25, create: 5, update: 15 },
    thresholds: seedThresholds,
    steps: [1, 5, 10, 15, 20, 30, 40, 60],
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;
