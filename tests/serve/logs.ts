import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.ts';
import type { DevServer } from '../support/dev-server.ts';
import type { FakeSentry } from '../support/fake-sentry.ts';
import { rawRequest } from '../support/raw-request.ts';
import { serve, serveWithFakeSentry } from '../support/serve.ts';
import { waitFor } from '../support/wait-for.ts';

/** One JSON line of a function, as `pnpm serve` prints it: `[<function>#<instance>] {…}`. */
interface FunctionLine {
  instance: string;
  level: string;
  msg: string;
  requestId?: string;
  function?: string;
  coldStart?: boolean;
  buffered?: boolean;
  sampled?: boolean;
  errorId?: string;
  [field: string]: unknown;
}

function functionLines(output: string): FunctionLine[] {
  return output.split('\n').flatMap((line): FunctionLine[] => {
    const match = /^\[([\w-]+#\d+)\] (\{.*\})$/.exec(line.trim());
    if (!match) return [];
    return [{ ...(JSON.parse(match[2] as string) as Record<string, unknown>), instance: match[1] } as FunctionLine];
  });
}

const uaCanary = 'canary-ua-0123456789';

/** The log an on-call engineer reads: correlated lines, the detail of a failure, sampling, traces. */
export function describeLogs(testDatabase: () => TestDatabase): void {
  describe('the function log, at LOG_LEVEL=warn as deployed', () => {
    let server: DevServer;
    let sentry: FakeSentry;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ server, sentry, stop } = await serveWithFakeSentry(testDatabase(), {
        SENTRY_TRACES_SAMPLE_RATE: '1',
        FEATURE_DEBUG_ERROR_ENABLED: 'true',
      }));
    });
    afterAll(() => stop?.());

    const fail = () =>
      rawRequest(server.baseUrl, {
        path: '/.netlify/functions/debug-error/x',
        headers: { 'User-Agent': `probe api_key=${uaCanary}` },
      });
    const errorLines = () => functionLines(server.output()).filter((line) => line.level === 'error');

    it('should print a failing request’s kept-back lines before its error line, all with its requestId', async () => {
      expect((await fail()).status).toBe(500);
      await waitFor(
        async () => errorLines().length,
        (n) => n >= 1,
        'the error line',
      );
      const lines = functionLines(server.output());
      const errorLine = errorLines()[0] as FunctionLine;
      const ofRequest = lines.filter((line) => line.requestId === errorLine.requestId);
      expect(errorLine).toMatchObject({ function: 'debug-error', coldStart: true, errorId: expect.any(String) });
      expect(ofRequest.map((line) => [line.level, line.msg, line.buffered])).toEqual([
        ['debug', 'GET /.netlify/functions/debug-error/x started', true],
        ['debug', 'flag debugError read', true],
        ['error', 'Error: Deliberate test error from /api/debug/error', undefined],
      ]);
      // The same requestId finds the Sentry event.
      const [event] = await sentry.waitForEvents(1);
      expect(event?.tags?.requestId).toBe(errorLine.requestId);
    });

    it('should redact a kept-back line before it is kept: the canary appears nowhere', async () => {
      const started = functionLines(server.output()).find((line) => line.msg.endsWith('started'));
      expect(started?.userAgent).toBe('probe api_key=[redacted]');
      expect(server.output()).not.toContain(uaCanary);
      expect(sentry.rawEnvelopes.join('\n')).not.toContain(uaCanary);
    });

    it('should print nothing for a passing request, and mark the cold start once per instance', async () => {
      expect((await rawRequest(server.baseUrl, { path: '/api/health' })).status).toBe(200);
      expect((await fail()).status).toBe(500); // after the health request: its lines would be out by now
      await waitFor(
        async () => errorLines().length,
        (n) => n >= 2,
        'the second error line',
      );
      const lines = functionLines(server.output());
      expect(lines.filter((line) => line.function === 'health')).toEqual([]);
      const coldStarts = new Set(
        lines.filter((line) => line.coldStart).map((line) => `${line.instance} ${line.requestId}`),
      );
      expect([...coldStarts]).toHaveLength(1);
      expect(errorLines()[1]).toMatchObject({ coldStart: false });
    });

    it("should continue the caller's trace from its sentry-trace header", async () => {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      await rawRequest(server.baseUrl, {
        path: '/api/proposals',
        headers: { 'sentry-trace': `${traceId}-b7ad6b7169203331-1` },
      });
      await waitFor(
        async () => sentry.spans().filter((span) => span.trace_id === traceId),
        (spans) => spans.some((span) => span.is_segment),
        "a span in the caller's trace",
      );
    });
  });

  describe('the function log with LOG_SAMPLE_RATE=1', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serve(testDatabase(), [], { LOG_SAMPLE_RATE: '1' }, { quiet: false });
    });
    afterAll(() => server?.stop());

    it('should print every line of a passing request, marked sampled', async () => {
      expect((await rawRequest(server.baseUrl, { path: '/api/proposals?limit=1' })).status).toBe(200);
      await waitFor(
        async () => functionLines(server.output()).filter((line) => line.function === 'proposals'),
        (lines) => lines.some((line) => line.level === 'info'),
        'the access line',
      );
      const lines = functionLines(server.output()).filter((line) => line.function === 'proposals');
      expect(lines.map((line) => line.msg)).toEqual(
        ['GET /api/proposals started', 'query select proposals', 'GET /api/proposals 200'].map((msg) =>
          expect.stringContaining(msg),
        ),
      );
      expect(lines.every((line) => line.sampled === true && line.buffered === undefined)).toBe(true);
    });
  });
}
