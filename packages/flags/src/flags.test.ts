import { validateEnv } from '@app/env';
import { describe, expect, it } from 'vitest';
import { flagDefault, isEnabled, unknownFlagVariables } from './is-enabled.ts';
import { flagVariable } from './registry.ts';

const envFor = (source: Record<string, string>, context: 'production' | 'deploy-preview' | 'dev' = 'dev') => {
  const report = validateEnv(
    {
      DATABASE_URL: 'postgres://u:p@ep-x-pooler.neon.tech/db',
      API_TOKEN: 'token-0123456789abcdef',
      SENTRY_DSN: 'https://k@o1.ingest.sentry.io/1',
      ...source,
    },
    context,
  );
  if (!report.env) throw new Error(JSON.stringify(report.errors));
  return report.env;
};

describe('flagVariable', () => {
  it('should map a camelCase name to FEATURE_<CONSTANT_CASE>_ENABLED', () => {
    expect(flagVariable('proposalArchive')).toBe('FEATURE_PROPOSAL_ARCHIVE_ENABLED');
    expect(flagVariable('debugError')).toBe('FEATURE_DEBUG_ERROR_ENABLED');
  });
});

describe('isEnabled', () => {
  it('should use the per-context default when the variable is unset', () => {
    expect(isEnabled('proposalArchive', envFor({}, 'production'))).toBe(false);
    expect(isEnabled('proposalArchive', envFor({}, 'deploy-preview'))).toBe(true);
    expect(isEnabled('proposalArchive', envFor({}, 'dev'))).toBe(true);
    expect(flagDefault('debugError', 'dev')).toBe(false);
  });

  it('should let the variable win over the default, in any case and as 1/0', () => {
    expect(isEnabled('proposalArchive', envFor({ FEATURE_PROPOSAL_ARCHIVE_ENABLED: 'TRUE' }, 'production'))).toBe(true);
    expect(isEnabled('proposalArchive', envFor({ FEATURE_PROPOSAL_ARCHIVE_ENABLED: '0' }, 'dev'))).toBe(false);
    expect(isEnabled('debugError', envFor({ FEATURE_DEBUG_ERROR_ENABLED: '1' }))).toBe(true);
  });

  it('should never read a malformed value as off: the environment is invalid instead', () => {
    for (const value of ['ture', 'yes please', 'on', '2']) {
      const report = validateEnv({ FEATURE_DEBUG_ERROR_ENABLED: value }, 'dev');
      expect(report.env).toBeUndefined();
      expect(report.errors.map((e) => e.variable)).toEqual(['FEATURE_DEBUG_ERROR_ENABLED']);
    }
  });

  it('should report set flag variables that no flag declares', () => {
    expect(unknownFlagVariables(envFor({ FEATURE_PROPOSAL_ARCHIVED_ENABLED: 'true' }))).toEqual([
      'FEATURE_PROPOSAL_ARCHIVED_ENABLED',
    ]);
  });
});
