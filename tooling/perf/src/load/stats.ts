/** One response (or failure) seen by the load generator. */
export interface Sample {
  /** Milliseconds since the run started. */
  at: number;
  endpoint: string;
  /** HTTP status, or 0 for a request that got no response (connection error, timeout). */
  status: number;
  latencyMs: number;
}

export interface Thresholds {
  /** Highest acceptable p99 latency over the whole run, in ms. */
  p99Ms: number;
  /** Highest acceptable share of failed requests (0.001 = 0.1 %). */
  maxErrorRate: number;
  /** Statuses that count as success besides 2xx (e.g. 503 in the exhaustion scenario). */
  expectedStatuses?: readonly number[];
}

export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Failures by kind: `status 500`, `no response`, `503 without Retry-After`, … */
  errors: Record<string, number>;
  errorRate: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Statistics over `samples` for a run of `durationMs`; `extraErrors` adds failures counted elsewhere. */
export function summarize(
  samples: readonly Sample[],
  durationMs: number,
  thresholds: Pick<Thresholds, 'expectedStatuses'>,
  extraErrors: Record<string, number> = {},
): Summary {
  const latencies = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const errors: Record<string, number> = { ...extraErrors };
  for (const { status } of samples) {
    // status 0 (no response) is counted by its cause in `extraErrors`.
    const ok = status === 0 || (status >= 200 && status < 300) || thresholds.expectedStatuses?.includes(status);
    if (!ok) errors[`status ${status}`] = (errors[`status ${status}`] ?? 0) + 1;
  }
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    requests: samples.length,
    rps: samples.length / Math.max(durationMs / 1000, 0.001),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    errors,
    errorRate: samples.length === 0 ? 1 : failed / samples.length,
  };
}

/** The first threshold `summary` breaks, as a one-line reason; undefined when it meets them all. */
export function breach(summary: Summary, thresholds: Thresholds): string | undefined {
  if (summary.requests === 0) return 'no request completed';
  if (summary.errorRate > thresholds.maxErrorRate) {
    const kinds = Object.entries(summary.errors)
      .map(([kind, count]) => `${count} × ${kind}`)
      .join(', ');
    return `error rate ${(summary.errorRate * 100).toFixed(2)} % > ${(thresholds.maxErrorRate * 100).toFixed(2)} % (${kinds})`;
  }
  if (summary.p99 > thresholds.p99Ms) return `p99 ${summary.p99.toFixed(0)} ms > ${thresholds.p99Ms} ms`;
  return undefined;
}
