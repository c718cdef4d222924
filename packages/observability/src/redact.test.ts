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

  // One canary per secret shape found in error text; none may survive, and the text around it stays.
  it.each([
    ['a lowercase bearer token', 'auth bearer canary-1a2b3c failed', 'auth bearer [redacted] failed'],
    ['the Token scheme', 'sent Token canary-4d5e6f7g', 'sent Token [redacted]'],
    ["a token's tail after a !", 'Bearer canary-head!canary-tail', 'Bearer [redacted]'],
    [
      '?token= in a URL',
      'GET https://api.example/x?token=canary-q1&page=2',
      'GET https://api.example/x?token=[redacted]&page=2',
    ],
    ['&api_key= in a URL', 'GET /x?a=1&api_key=canary-q2', 'GET /x?a=1&api_key=[redacted]'],
    ['Cookie: header text', 'request had Cookie: sid=canary-c1; theme=dark', 'request had Cookie: [redacted]'],
    ['a password in JSON', 'body {"user":"a","password":"canary-j1"}', 'body {"user":"a","password":"[redacted]"}'],
    ['JSON inside a string', 'raw "{\\"password\\":\\"canary-j2\\"}"', 'raw "{\\"password\\":\\"[redacted]\\"}"'],
    [
      'name=value pairs',
      'conninfo host=db password=canary-kv user=app',
      'conninfo host=db password=[redacted] user=app',
    ],
  ])('should redact %s', (_, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('should leave prose about tokens and passwords readable', () => {
    expect(redactString('A token expired; the password is required')).toBe('A token expired; the password is required');
  });

  it('should take linear time on long adversarial text', () => {
    const text = `password${'a'.repeat(50)}`.repeat(10_000);
    const started = performance.now();
    redactString(text);
    // A quadratic pattern takes seconds here; the linear one takes about a millisecond.
    expect(performance.now() - started).toBeLessThan(1_000);
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
