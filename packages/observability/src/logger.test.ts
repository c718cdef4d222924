import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLogger, log, ValueFreeText } from './logger.ts';
import type { RequestScope } from './request-scope.ts';
import { runInRequestScope } from './request-scope.ts';

afterEach(() => {
  vi.restoreAllMocks();
  configureLogger({ level: 'info', json: false, secrets: [], release: undefined, forward: undefined });
});

describe('log', () => {
  it('should print only lines at or above the level', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    vi.spyOn(console, 'warn').mockImplementation((line: string) => printed.push(line));
    configureLogger({ level: 'warn' });
    log.info('quiet');
    log.debug('quieter');
    log.warn('loud');
    expect(printed).toEqual(['[warn] loud']);
  });

  it('should write JSON lines with fields when asked', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => printed.push(line));
    configureLogger({ level: 'error', json: true });
    log.error('boom', { errorId: 'ERR-1' });
    expect(JSON.parse(printed[0] ?? '')).toMatchObject({ level: 'error', msg: 'boom', errorId: 'ERR-1' });
  });

  it('should redact secrets from messages and fields', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => printed.push(line));
    configureLogger({ level: 'debug', secrets: ['canary-0123456789'] });
    log.warn('url postgres://u:pw@h/db token canary-0123456789', { authorization: 'Bearer x' });
    expect(printed[0]).toBe('[warn] url postgres://u:[redacted]@h/db token [redacted] authorization=[redacted]');
  });

  it('should print a value-free message as written, and still redact its fields', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => printed.push(line));
    const problems = '  - SENTRY_DSN: is required in production\n  - API_TOKEN: is a documented placeholder';
    log.error(problems);
    expect(printed[0]).toContain('[redacted]');
    log.error(new ValueFreeText(problems), { password: 'canary-field' });
    expect(printed[1]).toBe(`[error] ${problems} password=[redacted]`);
  });

  it('should write the release into every JSON line', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => printed.push(line));
    configureLogger({ level: 'warn', json: true, release: 'abc123' });
    log.warn('slow');
    expect(JSON.parse(printed[0] ?? '')).toMatchObject({ msg: 'slow', release: 'abc123' });
  });

  it('should forward warn and error lines, redacted, whatever the level prints, and nothing else', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const forwarded: unknown[] = [];
    configureLogger({
      level: 'error',
      secrets: ['canary-0123456789'],
      forward: (level, message, fields) => forwarded.push({ level, message, fields }),
    });
    log.info('not forwarded');
    log.debug('not forwarded either');
    log.warn('token canary-0123456789', { authorization: 'Bearer canary-0123456789', errorId: 'ERR-2' });
    log.error('boom');
    expect(forwarded).toEqual([
      { level: 'warn', message: 'token [redacted]', fields: { authorization: '[redacted]', errorId: 'ERR-2' } },
      { level: 'error', message: 'boom', fields: {} },
    ]);
  });

  it('should record every line as a breadcrumb of the current request, printed or not', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    configureLogger({ level: 'error' });
    const scope: RequestScope = { breadcrumbs: [], tags: {} };
    runInRequestScope(scope, () => log.info('loaded proposal', { id: 'p1' }));
    expect(scope.breadcrumbs).toMatchObject([
      { message: 'loaded proposal', category: 'log', level: 'info', data: { id: 'p1' } },
    ]);
  });
});
