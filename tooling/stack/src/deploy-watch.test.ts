import { describe, expect, it } from 'vitest';
import type { Interval } from './deploy-watch.ts';
import { DeployWatch, intervalBreaches, intervalLine, percentile } from './deploy-watch.ts';

const thresholds = { p99Ms: 500, maxErrorRate: 0.001 };
const healthy = (release = 'r1'): Interval => ({
  health: { status: 'pass', release, poolConnections: 1, serverConnections: 3, databaseMs: 4 },
  samples: Array.from({ length: 15 }, () => ({ ms: 40, ok: true })),
});
const withFailedProbe = (): Interval => ({ ...healthy(), samples: [...healthy().samples, { ms: 10_000, ok: false }] });

describe('intervalBreaches', () => {
  it('should find nothing wrong with a healthy interval, and warn is not a breach', () => {
    expect(intervalBreaches(healthy(), thresholds)).toEqual([]);
    expect(intervalBreaches({ ...healthy(), health: { status: 'warn' } }, thresholds)).toEqual([]);
  });

  it('should name each limit an interval breaks', () => {
    const slow = { ...healthy(), samples: [{ ms: 900, ok: true }] };
    expect(intervalBreaches(slow, thresholds)).toEqual(['p99 900 ms > 500 ms']);
    expect(intervalBreaches(withFailedProbe(), thresholds)).toEqual([
      'p99 10000 ms > 500 ms',
      'errors 6.25 % > 0.10 %',
    ]);
    expect(intervalBreaches({ ...healthy(), health: { status: 'fail' } }, thresholds)).toEqual(['health fail']);
    expect(intervalBreaches({ ...healthy(), newSentryErrors: 3 }, thresholds)).toEqual(['3 new Sentry error events']);
  });
});

describe('DeployWatch', () => {
  it('should forgive one bad interval and fail on two in a row', () => {
    const watch = new DeployWatch(thresholds);
    expect(watch.record(healthy())).toEqual({ kind: 'ok' });
    expect(watch.record(withFailedProbe())).toEqual({ kind: 'ok' });
    expect(watch.record(healthy())).toEqual({ kind: 'ok' });
    expect(watch.record({ ...healthy(), health: { status: 'unreachable' } })).toEqual({ kind: 'ok' });
    expect(watch.record({ ...healthy(), health: { status: 'unreachable' } })).toEqual({
      kind: 'fail',
      reason: '2 intervals in a row breached: health unreachable',
    });
  });

  it('should fail at once when the release changes under it', () => {
    const watch = new DeployWatch(thresholds);
    watch.record(healthy('r1'));
    expect(watch.record(healthy('r2'))).toEqual({
      kind: 'fail',
      reason: 'the release changed under the watch (r1 → r2)',
    });
  });

  it('should print elapsed time, p99 and errors so far, health, connections and release', () => {
    const watch = new DeployWatch(thresholds);
    watch.record(healthy());
    watch.record(withFailedProbe());
    expect(intervalLine(watch, 30_000)).toBe(
      '0:30  p99 10000 ms  errors 3.23 % (1/31)  health pass  connections pool 1 server 3  db 4 ms  release r1',
    );
  });
});

describe('percentile', () => {
  it('should take the nearest rank', () => {
    expect(percentile([], 99)).toBe(0);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
  });
});
