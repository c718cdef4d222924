import { describe, expect, it } from 'vitest';
import { EnvValidationError, loadEnv, validateEnv } from './load-env.ts';
import { DEV_API_TOKEN, variableSpecs } from './variables.ts';

const remote = {
  DATABASE_URL: 'postgresql://app:s3cret-pass@ep-cool-123-pooler.eu-central-1.aws.neon.tech/app?sslmode=require',
  API_TOKEN: 'token-0123456789abcdef',
  SENTRY_DSN: 'https://publickey@o1.ingest.sentry.io/2',
};

describe('validateEnv', () => {
  it('should accept a complete production environment and apply defaults', () => {
    const { env, errors } = validateEnv(remote, 'production');
    expect(errors).toEqual([]);
    expect(env?.DB_POOL_MAX).toBe(25);
    expect(env?.DB_QUEUE_TIMEOUT_MS).toBe(2000);
    expect(env?.logLevel).toBe('warn');
    expect(env?.deployContext).toBe('production');
  });

  it('should list every missing required variable by name in production', () => {
    const { env, errors } = validateEnv({}, 'production');
    expect(env).toBeUndefined();
    expect(errors.map((e) => e.variable).sort()).toEqual(['API_TOKEN', 'DATABASE_URL', 'SENTRY_DSN']);
  });

  it('should require DATABASE_URL and API_TOKEN but not SENTRY_DSN in a deploy preview', () => {
    const { errors, warnings } = validateEnv({}, 'deploy-preview');
    expect(errors.map((e) => e.variable).sort()).toEqual(['API_TOKEN', 'DATABASE_URL']);
    expect(warnings.map((w) => w.variable)).toEqual(['SENTRY_DSN']);
  });

  it('should take Netlify Database (NETLIFY_DB_URL) when DATABASE_URL is unset, and your own Neon when both are', () => {
    const netlifyDb =
      'postgresql://netlify:db-pass@ep-netlify-456-pooler.us-east-2.aws.neon.tech/netlify?sslmode=require';
    const { DATABASE_URL: _own, ...withoutOwn } = remote;
    const fromNetlify = validateEnv({ ...withoutOwn, NETLIFY_DB_URL: netlifyDb }, 'production');
    expect(fromNetlify.errors).toEqual([]);
    expect(fromNetlify.env).toMatchObject({ DATABASE_URL: netlifyDb, databaseSource: 'NETLIFY_DB_URL' });
    expect(fromNetlify.env?.secrets).toContain(netlifyDb);
    const both = validateEnv({ ...remote, NETLIFY_DB_URL: netlifyDb }, 'production');
    expect(both.env).toMatchObject({ DATABASE_URL: remote.DATABASE_URL, databaseSource: 'DATABASE_URL' });
  });

  it('should name both database variables when neither is set, and refuse either on localhost in production', () => {
    const { DATABASE_URL: _own, ...withoutOwn } = remote;
    expect(validateEnv(withoutOwn, 'deploy-preview').errors).toEqual([
      { variable: 'DATABASE_URL', message: 'is required in deploy-preview (or NETLIFY_DB_URL)' },
    ]);
    const local = validateEnv({ ...withoutOwn, NETLIFY_DB_URL: 'postgres://u:p@127.0.0.1:5432/db' }, 'production');
    expect(local.errors.map((e) => e.variable)).toEqual(['NETLIFY_DB_URL']);
  });

  it('should let a check count NETLIFY_DB_URL as provided by the platform at runtime', () => {
    const { DATABASE_URL: _own, ...withoutOwn } = remote;
    expect(validateEnv(withoutOwn, 'production', { providedAtRuntime: ['NETLIFY_DB_URL'] }).errors).toEqual([]);
  });

  it('should collect invalid values together with missing ones', () => {
    const { errors } = validateEnv(
      { ...remote, DB_POOL_MAX: 'lots', LOG_LEVEL: 'verbose', API_TOKEN: undefined },
      'production',
    );
    expect(errors.map((e) => e.variable).sort()).toEqual(['API_TOKEN', 'DB_POOL_MAX', 'LOG_LEVEL']);
  });

  it('should reject a pool size outside 1..100 and a non-postgres DATABASE_URL', () => {
    const { errors } = validateEnv({ ...remote, DB_POOL_MAX: '0', DATABASE_URL: 'mysql://x@y/z' }, 'production');
    expect(errors.map((e) => e.variable).sort()).toEqual(['DATABASE_URL', 'DB_POOL_MAX']);
  });

  it('should treat an empty string as unset', () => {
    const { errors } = validateEnv({ ...remote, API_TOKEN: '  ' }, 'production');
    expect(errors).toEqual([{ variable: 'API_TOKEN', message: 'is required in production' }]);
  });

  it.each([
    'postgresql://u:p@localhost:5432/db',
    'postgresql://u:p@127.0.0.1/db',
    'postgresql://u:p@127.10.0.3/db',
    'postgresql://u:p@[::1]:5432/db',
    'postgresql://u:p@0.0.0.0/db',
    'postgresql://u:p@db.localhost/db',
  ])('should refuse a local DATABASE_URL in production: %s', (url) => {
    const { errors } = validateEnv({ ...remote, DATABASE_URL: url }, 'production');
    expect(errors).toEqual([
      { variable: 'DATABASE_URL', message: 'points at this machine (localhost or a socket) in production' },
    ]);
  });

  it('should only warn about a local URL in deploy previews and branch deploys', () => {
    for (const context of ['deploy-preview', 'branch-deploy'] as const) {
      const report = validateEnv({ ...remote, SENTRY_DSN: 'http://key@127.0.0.1:9999/1' }, context);
      expect(report.errors).toEqual([]);
      expect(report.warnings.map((w) => w.variable)).toEqual(['SENTRY_DSN']);
    }
  });

  it('should accept local URLs in dev', () => {
    const report = validateEnv({ DATABASE_URL: 'postgres://postgres@localhost:5432/test' }, 'dev');
    expect(report.errors).toEqual([]);
  });

  it('should warn in dev for each missing sensitive variable, naming the fallback', () => {
    const { env, errors, warnings } = validateEnv({}, 'dev');
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.variable).sort()).toEqual(['API_TOKEN', 'DATABASE_URL', 'SENTRY_DSN']);
    expect(warnings.find((w) => w.variable === 'API_TOKEN')?.message).toContain('dev-token-not-for-production');
    expect(env?.API_TOKEN).toBe('dev-token-not-for-production');
    expect(env?.logLevel).toBe('debug');
  });

  it('should never fall back to the dev token outside dev', () => {
    const { env } = validateEnv({ ...remote, API_TOKEN: undefined }, 'branch-deploy');
    expect(env).toBeUndefined();
  });

  it.each(['production', 'deploy-preview', 'branch-deploy'] as const)(
    'should refuse the dev token and every .env.example placeholder in %s',
    (context) => {
      const report = validateEnv(
        {
          DATABASE_URL: variableSpecs.DATABASE_URL.example,
          API_TOKEN: DEV_API_TOKEN,
          SENTRY_DSN: variableSpecs.SENTRY_DSN.example,
        },
        context,
      );
      expect(report.env).toBeUndefined();
      expect(
        report.errors
          .filter((e) => /placeholder/.test(e.message))
          .map((e) => e.variable)
          .sort(),
      ).toEqual(['API_TOKEN', 'DATABASE_URL', 'SENTRY_DSN']);
      expect(validateEnv({ ...remote, API_TOKEN: variableSpecs.API_TOKEN.example }, context).env).toBeUndefined();
    },
  );

  it('should accept the placeholders in dev, where .env.example is meant to be copied', () => {
    expect(validateEnv({ API_TOKEN: DEV_API_TOKEN }, 'dev').errors).toEqual([]);
  });

  it.each([
    'mailto:someone@example.com',
    'https://o1.ingest.sentry.io/2',
    'https://key@o1.ingest.sentry.io/',
    'ftp://key@o1.ingest.sentry.io/2',
    'http://key@/2',
  ])('should refuse %s as a Sentry DSN', (dsn) => {
    const report = validateEnv({ ...remote, SENTRY_DSN: dsn }, 'dev');
    expect(report.errors.map((e) => e.variable)).toEqual(['SENTRY_DSN']);
  });

  it.each(['127.1', '0x7f000001', '2130706433', '0', '[::1]'])(
    'should refuse a database at %s in production as this machine',
    (host) => {
      const report = validateEnv({ ...remote, DATABASE_URL: `postgres://app:pw@${host}:5432/app` }, 'production');
      expect(report.errors).toEqual([
        { variable: 'DATABASE_URL', message: 'points at this machine (localhost or a socket) in production' },
      ]);
    },
  );

  it('should parse feature flags strictly and report a typo as an error', () => {
    const ok = validateEnv({ FEATURE_DEBUG_ERROR_ENABLED: 'TRUE', FEATURE_X_ENABLED: '0' }, 'dev');
    expect(ok.env?.features).toEqual({ FEATURE_DEBUG_ERROR_ENABLED: true, FEATURE_X_ENABLED: false });
    const bad = validateEnv({ FEATURE_DEBUG_ERROR_ENABLED: 'ture', FEATURE_Y_ON: 'true' }, 'dev');
    expect(bad.errors.map((e) => e.variable).sort()).toEqual(['FEATURE_DEBUG_ERROR_ENABLED', 'FEATURE_Y_ON']);
  });

  it('should list the values of sensitive variables as secrets', () => {
    const { env } = validateEnv(remote, 'production');
    expect(env?.secrets).toEqual(expect.arrayContaining(Object.values(remote)));
    expect(env?.secrets).toHaveLength(3);
  });
});

describe('loadEnv', () => {
  it('should throw one error that names each bad variable and prints no value', () => {
    const secret = 'hunter2-very-secret-value';
    const source = { DATABASE_URL: `mysql://admin:${secret}@db.example.com/x`, DB_POOL_MAX: secret };
    let thrown: unknown;
    try {
      loadEnv(source, 'production');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvValidationError);
    const error = thrown as EnvValidationError;
    expect(error.context).toBe('production');
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'API_TOKEN',
      'DATABASE_URL',
      'DB_POOL_MAX',
      'SENTRY_DSN',
    ]);
    expect(error.message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });

  it('should print each dev warning once per process', () => {
    const lines: string[] = [];
    const original = console.warn;
    console.warn = (line: string) => lines.push(line);
    try {
      loadEnv({ DATABASE_URL: 'postgres://u@localhost/db', API_TOKEN: 'a-token-of-16-chars!' }, 'dev');
      loadEnv({ DATABASE_URL: 'postgres://u@localhost/db', API_TOKEN: 'a-token-of-16-chars!' }, 'dev');
    } finally {
      console.warn = original;
    }
    expect(lines).toEqual(['[env] SENTRY_DSN is not set: errors are logged to the console only']);
  });
});
