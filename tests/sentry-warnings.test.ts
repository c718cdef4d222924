import { DatabaseUnavailableError, PoolTimeoutError } from '@app/db';
import { resetEnvCache } from '@app/env';
import { withObservability } from '@app/observability';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeSentry } from './support/fake-sentry.ts';
import { startFakeSentry } from './support/fake-sentry.ts';

describe('503 answers through the real Sentry SDK', () => {
  let sentry: FakeSentry;
  const lines: { level: string; text: string }[] = [];
  beforeAll(async () => {
    sentry = await startFakeSentry();
    process.env.CONTEXT = 'dev';
    process.env.LOG_LEVEL = 'warn';
    process.env.SENTRY_DSN = sentry.dsn;
    resetEnvCache();
    for (const level of ['log', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => lines.push({ level, text: args.join(' ') }));
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await sentry?.close();
  });

  it('should log every 503 at warn and send one warning event per kind, not one per request', async () => {
    const kinds = [
      new PoolTimeoutError('no connection freed up within 2000 ms'),
      new DatabaseUnavailableError('unreachable'),
    ];
    const pending: Promise<unknown>[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const error = kinds[i % 2];
      const handler = withObservability(async () => {
        throw error;
      });
      const response = await handler(new Request('http://localhost/api/proposals'), {
        waitUntil: (promise) => pending.push(promise),
      });
      statuses.push(response.status);
      expect(response.headers.get('retry-after')).not.toBeNull();
      expect(((await response.json()) as { error: { errorId?: string } }).error.errorId).toMatch(/^ERR-/);
    }
    await Promise.all(pending);
    await sentry.waitForEvents(2);
    // Give a wrongly sent third event time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(statuses).toEqual(Array(20).fill(503));
    const events = sentry.events();
    expect(events.map((event) => event.level)).toEqual(['warning', 'warning']);
    expect(events.map((event) => event.exception?.values?.[0]?.type).sort()).toEqual([
      'DatabaseUnavailableError',
      'PoolTimeoutError',
    ]);
    const reports = lines.filter((line) => /PoolTimeoutError|DatabaseUnavailableError/.test(line.text));
    expect(reports).toHaveLength(20);
    expect(reports.every((line) => line.level === 'warn' && line.text.startsWith('[warn]'))).toBe(true);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('should tell database failures apart by cause: their own event, reason tag and log line each', async () => {
    const before = sentry.events().length;
    const linesBefore = lines.length;
    const pending: Promise<unknown>[] = [];
    for (const reason of ['authentication_failed', 'startup_parameter_refused', 'authentication_failed'] as const) {
      const handler = withObservability(async () => {
        throw new DatabaseUnavailableError(reason);
      });
      const response = await handler(new Request('http://localhost/api/proposals'), {
        waitUntil: (promise) => pending.push(promise),
      });
      // The answer stays the generic 503.
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    }
    await Promise.all(pending);
    await sentry.waitForEvents(before + 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = sentry.events().slice(before);
    expect(events.map((event) => event.tags?.reason).sort()).toEqual([
      'authentication_failed',
      'startup_parameter_refused',
    ]);
    const logged = lines.slice(linesBefore).map((line) => line.text);
    expect(logged.filter((text) => text.includes('refused the credentials'))).toHaveLength(2);
    expect(logged.filter((text) => text.includes('refused a connection start-up parameter'))).toHaveLength(1);
  });
});
