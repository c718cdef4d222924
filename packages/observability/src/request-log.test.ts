import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUFFER_LIMITS, configureLogger, flushRequestLog, log } from './logger.ts';
import type { RequestLog, RequestScope } from './request-scope.ts';
import { runInRequestScope } from './request-scope.ts';
import { incomingTrace } from './tracing.ts';

afterEach(() => {
  vi.restoreAllMocks();
  configureLogger({ level: 'info', json: false, secrets: [], release: undefined, context: undefined });
});

function printedLines(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((line: string) => lines.push(JSON.parse(line)));
  }
  return lines;
}

function inRequest(work: () => void, overrides: Partial<RequestLog> = {}): RequestLog {
  const requestLog: RequestLog = {
    requestId: '01REQUEST',
    function: 'proposals',
    coldStart: true,
    sampled: false,
    buffer: [],
    bufferedBytes: 0,
    dropped: 0,
    ...overrides,
  };
  const scope: RequestScope = { breadcrumbs: [], tags: {}, log: requestLog };
  runInRequestScope(scope, work);
  return requestLog;
}

describe('a request in the log', () => {
  it('should put requestId, function, coldStart, release and context on every line', () => {
    const lines = printedLines();
    configureLogger({ level: 'info', json: true, release: 'abc123', context: 'production' });
    inRequest(() => log.info('hello'));
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      requestId: '01REQUEST',
      function: 'proposals',
      coldStart: true,
      release: 'abc123',
      context: 'production',
    });
  });

  it('should print nothing below the level for a request that passes', () => {
    const lines = printedLines();
    configureLogger({ level: 'warn', json: true });
    const kept = inRequest(() => {
      log.debug('query select proposals', { ms: 2 });
      log.info('GET /api/proposals 200 3ms');
    });
    expect(lines).toEqual([]);
    expect(kept.buffer).toHaveLength(2);
  });

  it('should print the kept lines, marked buffered, before the error line, then forget them', () => {
    const lines = printedLines();
    configureLogger({ level: 'warn', json: true });
    const kept = inRequest(() => {
      log.debug('auth: accepted');
      log.info('query select proposals', { ms: 2 });
      log.error('Error: boom', { errorId: 'ERR-1' });
    });
    expect(lines.map((line) => [line.level, line.msg, line.buffered])).toEqual([
      ['debug', 'auth: accepted', true],
      ['info', 'query select proposals', true],
      ['error', 'Error: boom', undefined],
    ]);
    expect(new Set(lines.map((line) => line.requestId))).toEqual(new Set(['01REQUEST']));
    expect(kept.buffer).toEqual([]);
  });

  it('should keep the newest lines within its bounds and say how many were dropped', () => {
    const lines = printedLines();
    configureLogger({ level: 'warn', json: true });
    inRequest(() => {
      for (let i = 0; i < BUFFER_LIMITS.lines + 5; i += 1) log.debug(`line ${i}`);
      flushRequestLog();
    });
    expect(lines[0]?.msg).toMatch(/^5 earlier lines were dropped/);
    expect(lines).toHaveLength(BUFFER_LIMITS.lines + 1);
    expect(lines.at(-1)?.msg).toBe(`line ${BUFFER_LIMITS.lines + 4}`);
  });

  it('should redact before keeping anything', () => {
    printedLines();
    configureLogger({ level: 'warn', json: true, secrets: ['canary-secret-0123456789'] });
    const kept = inRequest(() => log.debug('token canary-secret-0123456789', { password: 'x' }));
    expect(JSON.stringify(kept.buffer)).not.toContain('canary-secret');
    expect(kept.buffer[0]).toMatchObject({ message: 'token [redacted]', fields: { password: '[redacted]' } });
  });

  it('should print every line of a sampled request, marked sampled', () => {
    const lines = printedLines();
    configureLogger({ level: 'warn', json: true });
    inRequest(() => log.debug('query select proposals'), { sampled: true });
    expect(lines).toEqual([expect.objectContaining({ level: 'debug', sampled: true })]);
  });
});

describe('incomingTrace', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('should take sentry-trace and baggage as they are', () => {
    const sentryTrace = '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1';
    expect(incomingTrace(headers({ 'sentry-trace': sentryTrace, baggage: 'sentry-sample_rate=1' }))).toEqual({
      sentryTrace,
      baggage: 'sentry-sample_rate=1',
    });
  });

  it('should read W3C traceparent as the sentry-trace it is equivalent to, sampling flag included', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(incomingTrace(headers({ traceparent })).sentryTrace).toBe(
      '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1',
    );
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect(incomingTrace(headers({ traceparent: unsampled })).sentryTrace).toMatch(/-0$/);
    expect(incomingTrace(headers({ traceparent: 'garbage' })).sentryTrace).toBeUndefined();
  });
});
