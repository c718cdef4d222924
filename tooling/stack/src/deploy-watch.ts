/**
 * The rules of `pnpm watch` (scripts/watch.ts): what one interval of samples says about a deploy,
 * and when the watch gives up on it. Pure, so each rule is tested alone (deploy-watch.test.ts).
 */

/** The seed's thresholds after a deploy: p99 under 500 ms, errors under 0.1 %. */
export interface WatchThresholds {
  p99Ms: number;
  /** A fraction: 0.001 is 0.1 %. */
  maxErrorRate: number;
}

/** One probe: how long it took, and whether the answer was the expected one. */
export interface Sample {
  ms: number;
  ok: boolean;
}

/** What health said at the start of an interval. */
export interface HealthSnapshot {
  status: 'pass' | 'warn' | 'fail' | 'unreachable';
  release?: string;
  /** `database:connections` (the instance's pool) and `database:serverConnections` (the server's). */
  poolConnections?: number;
  serverConnections?: number;
  databaseMs?: number;
}

export interface Interval {
  health: HealthSnapshot;
  samples: Sample[];
  /** New Sentry error events of the release in this interval; undefined without Sentry credentials. */
  newSentryErrors?: number;
}

export type Verdict = { kind: 'ok' } | { kind: 'fail'; reason: string };

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The p99 latency of `samples`, in ms (0 for none). */
export function p99Of(samples: readonly Sample[]): number {
  return percentile(
    samples.map((sample) => sample.ms),
    99,
  );
}

/** How many of `samples` failed. */
export function failures(samples: readonly Sample[]): number {
  return samples.filter((sample) => !sample.ok).length;
}

export function errorRate(samples: readonly Sample[]): number {
  return samples.length === 0 ? 0 : failures(samples) / samples.length;
}

/** What is wrong with one interval, in words; empty when nothing is. */
export function intervalBreaches(interval: Interval, thresholds: WatchThresholds): string[] {
  const reasons: string[] = [];
  if (interval.health.status === 'fail' || interval.health.status === 'unreachable') {
    reasons.push(`health ${interval.health.status}`);
  }
  const p99 = p99Of(interval.samples);
  if (p99 > thresholds.p99Ms) reasons.push(`p99 ${Math.round(p99)} ms > ${thresholds.p99Ms} ms`);
  const rate = errorRate(interval.samples);
  if (rate > thresholds.maxErrorRate) {
    reasons.push(`errors ${(rate * 100).toFixed(2)} % > ${(thresholds.maxErrorRate * 100).toFixed(2)} %`);
  }
  if ((interval.newSentryErrors ?? 0) > 0) reasons.push(`${interval.newSentryErrors} new Sentry error events`);
  return reasons;
}

/**
 * Follows a deploy interval by interval. It fails at once when the release changes under it
 * (another deploy was published: what it watched is gone), and on a sustained breach: `sustained`
 * intervals in a row with something wrong — one bad interval is a blip, two are a trend.
 */
export class DeployWatch {
  readonly intervals: Interval[] = [];
  #badInARow = 0;
  #release: string | undefined;

  constructor(
    private readonly thresholds: WatchThresholds,
    private readonly sustained = 2,
  ) {}

  get release(): string | undefined {
    return this.#release;
  }

  record(interval: Interval): Verdict {
    this.intervals.push(interval);
    const release = interval.health.release;
    if (release !== undefined) {
      if (this.#release !== undefined && release !== this.#release) {
        return { kind: 'fail', reason: `the release changed under the watch (${this.#release} → ${release})` };
      }
      this.#release = release;
    }
    const reasons = intervalBreaches(interval, this.thresholds);
    this.#badInARow = reasons.length === 0 ? 0 : this.#badInARow + 1;
    if (this.#badInARow >= this.sustained) {
      return { kind: 'fail', reason: `${this.sustained} intervals in a row breached: ${reasons.join(', ')}` };
    }
    return { kind: 'ok' };
  }

  /** Everything sampled so far. */
  samples(): Sample[] {
    return this.intervals.flatMap((interval) => interval.samples);
  }
}

/** One line per interval: elapsed, p99 so far, error rate so far, connections, release. */
export function intervalLine(watch: DeployWatch, elapsedMs: number): string {
  const latest = watch.intervals.at(-1);
  const samples = watch.samples();
  const minutes = Math.floor(elapsedMs / 60_000);
  const seconds = String(Math.floor((elapsedMs % 60_000) / 1000)).padStart(2, '0');
  const health = latest?.health;
  return [
    `${minutes}:${seconds}`,
    `p99 ${Math.round(p99Of(samples))} ms`,
    `errors ${(errorRate(samples) * 100).toFixed(2)} % (${failures(samples)}/${samples.length})`,
    `health ${health?.status ?? '-'}`,
    `connections pool ${health?.poolConnections ?? '-'} server ${health?.serverConnections ?? '-'}`,
    `db ${health?.databaseMs ?? '-'} ms`,
    `release ${health?.release ?? '-'}`,
    ...(latest?.newSentryErrors === undefined ? [] : [`sentry +${latest.newSentryErrors}`]),
  ].join('  ');
}
