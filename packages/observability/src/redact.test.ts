import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactString } from './redact.ts';

describe('redactString', () => {
  it('should drop the password from a URL and keep the rest', () => {
    expect(redactString('connect postgres://app:s3cr3t@db.example.com:5432/app failed')).toBe(
      `connect postgres://app:${REDACTED}@db.example.com:5432/app failed`,
    );
  });

  it('should drop bearer and basic credentials', () => {
    expect(redactString('Authorization: Bearer abc.def-123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('basic: Basic dXNlcjpwYXNz')).toBe(`basic: Basic ${REDACTED}`);
  });

  it('should replace every known secret value wherever it appears', () => {
    const secret = 'tok-0123456789abcdef';
    expect(redactString(`token=${secret}; again ${secret}`, [secret])).toBe(`token=${REDACTED}; again ${REDACTED}`);
  });

  it('should ignore secrets too short to be safe to replace', () => {
    expect(redactString('a b c', ['a'])).toBe('a b c');
  });
});

describe('redact', () => {
  it('should redact values under sensitive keys at any depth', () => {
    const input = {
      headers: { Authorization: 'x', cookie: 'y', 'Set-Cookie': 'z', accept: 'json' },
      apiKey: 'k',
      nested: [{ password: 'p', dsn: 'd', clientSecret: 's', accessToken: 't' }],
      count: 3,
    };
    expect(redact(input)).toEqual({
      headers: { Authorization: REDACTED, cookie: REDACTED, 'Set-Cookie': REDACTED, accept: 'json' },
      apiKey: REDACTED,
      nested: [{ password: REDACTED, dsn: REDACTED, clientSecret: REDACTED, accessToken: REDACTED }],
      count: 3,
    });
  });

  it('should redact secret values inside strings of any field and leave the input untouched', () => {
    const input = { message: 'failed with canary-secret-value-1' };
    expect(redact(input, ['canary-secret-value-1'])).toEqual({ message: `failed with ${REDACTED}` });
    expect(input.message).toBe('failed with canary-secret-value-1');
  });

  it('should survive cycles', () => {
    const input: Record<string, unknown> = { name: 'a' };
    input.self = input;
    expect(redact(input)).toEqual({ name: 'a', self: '[circular]' });
  });
});
