import { validateEnv } from '@app/env';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureObservability } from './configure.ts';
import { configureLogger, log } from './logger.ts';

afterEach(() => {
  vi.restoreAllMocks();
  configureLogger({ level: 'info', json: false, secrets: [], release: undefined, forward: undefined });
});

const envWithPassword = (password: string) => {
  const { env } = validateEnv(
    { NETLIFY_DB_URL: `postgres://app:${password}@db.example/app`, LOG_LEVEL: 'warn' },
    'dev',
  );
  if (env === undefined) throw new Error('test environment invalid');
  return env;
};

describe('configureObservability', () => {
  it('should configure once per environment, leaving what a request set alone', () => {
    const env = envWithPassword('first-password-0123');
    configureObservability(env, 'r1');
    configureLogger({ level: 'debug' }); // as a test or a later setting would
    configureObservability(env, 'r1');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    log.debug('still debug');
    expect(printed).toEqual(['[debug] still debug']);
  });

  it('should configure again for a new environment: a rotated password is redacted from then on', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => printed.push(line));
    configureObservability(envWithPassword('first-password-0123'), 'r1');
    log.warn('connecting with first-password-0123');
    configureObservability(envWithPassword('second-password-4567'), 'r1');
    log.warn('connecting with second-password-4567');
    expect(printed).toEqual(['[warn] connecting with [redacted]', '[warn] connecting with [redacted]']);
  });
});
