import { describe, expect, it } from 'vitest';
import type { Sample } from './stats.ts';
import { breach, percentile, summarize } from './stats.ts';

const sample = (status: number, latencyMs: number): Sample => ({ at: 0, endpoint: 'e', status, latencyMs });

describe('percentile', () => {
  it('should use the nearest-rank method', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 99)).toBe(0);
  });
});

describe('summarize and breach', () => {
  it('should count non-2xx as errors, except expected statuses, plus failures counted elsewhere', () => {
    const samples = [sample(200, 10), sample(503, 20), sample(500, 30), sample(0, 40)];
    const strict = summarize(samples, 1000, {}, { timeout: 1 });
    expect(strict.errors).toEqual({ 'status 503': 1, 'status 500': 1, timeout: 1 });
    const lenient = summarize(samples, 1000, { expectedStatuses: [503] }, { timeout: 1 });
    expect(lenient.errors).toEqual({ 'status 500': 1, timeout: 1 });
    expect(lenient.errorRate).toBe(0.5);
  });

  it('should report the error rate before the latency, and nothing when both hold', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => sample(i === 0 ? 500 : 200, i === 1 ? 900 : 100));
    const summary = summarize(samples, 10_000, {});
    expect(breach(summary, { p99Ms: 500, maxErrorRate: 0.001 })).toBeUndefined();
    expect(breach(summary, { p99Ms: 500, maxErrorRate: 0 })).toBe('error rate 0.10 % > 0.00 % (1 × status 500)');
    expect(breach(summary, { p99Ms: 50, maxErrorRate: 0.01 })).toBe('p99 100 ms > 50 ms');
    expect(breach(summarize([], 1000, {}), { p99Ms: 500, maxErrorRate: 1 })).toBe('no request completed');
  });
});
