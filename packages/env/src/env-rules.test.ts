import { describe, expect, it } from 'vitest';
import { localUrls, parseFeatures, placeholders, requiredVariables, weakSecrets } from './env-rules.ts';
import { envSchema, variableSpecs } from './variables.ts';

const none = { providedAtRuntime: [] };

describe('env rules, each alone', () => {
  it('requiredVariables: names what production misses, and accepts a variable the platform provides at runtime', () => {
    const missing = requiredVariables({ input: {}, context: 'production', ...none });
    expect(missing.errors).toContainEqual({
      variable: 'DATABASE_URL',
      message: 'is required in production (or NETLIFY_DB_URL)',
    });
    const runtime = requiredVariables({ input: {}, context: 'production', providedAtRuntime: ['NETLIFY_DB_URL'] });
    expect(runtime.errors.map((problem) => problem.variable)).not.toContain('DATABASE_URL');
  });

  it('localUrls: an error in production, a warning in a preview, nothing in dev', () => {
    const input = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' };
    expect(localUrls({ input, context: 'production', ...none }).errors).toHaveLength(1);
    expect(localUrls({ input, context: 'deploy-preview', ...none })).toMatchObject({ errors: [], warnings: [{}] });
    expect(localUrls({ input, context: 'dev', ...none })).toEqual({ errors: [], warnings: [] });
  });

  it('placeholders: the documented dev token is refused when deployed, never with its value', () => {
    const found = placeholders({
      input: { API_TOKEN: 'dev-token-not-for-production' },
      context: 'branch-deploy',
      ...none,
    });
    expect(found.errors).toEqual([{ variable: 'API_TOKEN', message: expect.stringContaining('placeholder') }]);
    expect(JSON.stringify(found)).not.toContain('dev-token-not-for-production');
    expect(
      placeholders({ input: { API_TOKEN: 'dev-token-not-for-production' }, context: 'dev', ...none }).errors,
    ).toEqual([]);
  });

  it.each([
    ['API_TOKEN', 'DEV-TOKEN-NOT-FOR-PRODUCTION'],
    ['API_TOKEN', 'replace-with-a-long-random-token-2'],
    ['DATABASE_URL', 'postgresql://app:password@ep-example-123456-pooler.eu-central-1.aws.neon.tech/app'],
    ['SENTRY_DSN', 'https://publickey@o0.ingest.sentry.io/4504'],
  ])('placeholders: %s set to a variation of its placeholder is refused', (variable, value) => {
    const found = placeholders({ input: { [variable]: value }, context: 'production', ...none });
    expect(found.errors).toEqual([{ variable, message: expect.stringContaining('placeholder') }]);
  });

  it.each([
    ['xxxxxxxxxxxxxxxx', 'fewer than 8 different characters'],
    ['0000000000000000', 'fewer than 8 different characters'],
    ['changemechangeme', 'fewer than 8 different characters'],
    ['abcdefgh12abcdefgh12', 'repeats a shorter value'],
    ['Password-Secret-2024', 'guessable words'],
  ])('weakSecrets: %s is refused when deployed, never with its value', (value, reason) => {
    const found = weakSecrets({ input: { API_TOKEN: value }, context: 'production', ...none });
    expect(found.errors).toEqual([{ variable: 'API_TOKEN', message: expect.stringContaining(reason) }]);
    expect(JSON.stringify(found)).not.toContain(value);
    expect(weakSecrets({ input: { API_TOKEN: value }, context: 'dev', ...none }).errors).toEqual([]);
  });

  it('weakSecrets: a random token passes', () => {
    const input = { API_TOKEN: 'q7Vd0-LmZ2xT9pRk4sWb8nYc' };
    expect(weakSecrets({ input, context: 'production', ...none }).errors).toEqual([]);
  });

  it('parseFeatures: strict booleans under the FEATURE_<NAME>_ENABLED name', () => {
    expect(parseFeatures({ FEATURE_A_ENABLED: 'TRUE', FEATURE_B_ENABLED: '0' })).toEqual({
      features: { FEATURE_A_ENABLED: true, FEATURE_B_ENABLED: false },
      errors: [],
    });
    expect(parseFeatures({ FEATURE_A_ENABLED: 'yes', FEATURE_B: 'true' }).errors.map((e) => e.variable)).toEqual([
      'FEATURE_A_ENABLED',
      'FEATURE_B',
    ]);
  });
});

describe('variableSpecs: one declaration per variable', () => {
  it('should name only declared variables as alternatives, and give every one a schema in envSchema', () => {
    const names = Object.keys(variableSpecs);
    const alternatives = Object.values(variableSpecs).flatMap((spec) =>
      'alternative' in spec ? [spec.alternative] : [],
    );
    expect(alternatives.filter((name) => !names.includes(name))).toEqual([]);
    expect(Object.keys(envSchema.shape)).toEqual(names);
  });
});
