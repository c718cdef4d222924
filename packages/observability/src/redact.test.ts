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

  // The shapes an attacker (or a careless caller) puts in a request path, and that an engineer
  // pastes into an error: one canary each. The canary must be gone; the words around it stay.
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
  it.each([
    ['a JWT', `/api/proposals/${jwt}`, jwt],
    ['an AWS access key id', '/api/AKIAIOSFODNN7CANARY1/x', 'AKIAIOSFODNN7CANARY1'],
    ['a Stripe secret key', '/api/sk_live_51CanaryStripeKey0001', 'sk_live_51CanaryStripeKey0001'],
    [
      'a GitHub token',
      'cloned with ghp_CanaryGithubToken0123456789abcdef01',
      'ghp_CanaryGithubToken0123456789abcdef01',
    ],
    ['a Slack bot token', 'posted as xoxb-1234567890-CanarySlack', 'xoxb-1234567890-CanarySlack'],
    ['user:password@host without a scheme', '/api/app:CanaryPass-u1@db.example.com', 'CanaryPass-u1'],
    ['an encoded postgres URL', '/api/postgres%3A%2F%2Fapp%3ACanaryPass-e1%40db.example.com', 'CanaryPass-e1'],
    ['a doubly encoded URL', '/api/postgres%253A%252F%252Fapp%253ACanaryPass-e2%2540db', 'CanaryPass-e2'],
    ['an encoded password inside a URL', 'postgres://app:Canary%40Pass%2Fe3@db.example.com/app', 'Canary'],
    ['Bearer%20 in a path', '/api/Bearer%20CanaryBearer-p1', 'CanaryBearer-p1'],
    ['api_key%3D in a path', '/api/api_key%3DCanaryKey-p2', 'CanaryKey-p2'],
    [
      'a password=value inside a quoted field',
      '{"msg": "connect failed password=canary-inner-q1 retry"}',
      'canary-inner-q1',
    ],
    ['a quoted password with spaces', 'config {"password": "canary horse battery staple"}', 'horse battery staple'],
    ['Authorization with any scheme', 'sent Authorization: ApiKey CanaryApiKey-h1', 'CanaryApiKey-h1'],
    ['an unknown scheme in a header', 'Authorization: Custom canary-custom-h2', 'canary-custom-h2'],
    ['a letters-only Token value', 'Authorization header: Token CanaryLettersOnly', 'CanaryLettersOnly'],
    ['a private key', 'key -----BEGIN RSA PRIVATE KEY-----\nMIICanary\n-----END RSA PRIVATE KEY----- end', 'MIICanary'],
    ['a truncated private key', 'key -----BEGIN PRIVATE KEY-----\nMIICanaryTruncated', 'MIICanaryTruncated'],
  ])('should redact %s', (_, input, canary) => {
    const output = redactString(input);
    expect(output).not.toContain(canary);
    expect(output).toContain(REDACTED);
  });

  it('should redact a known secret value that arrives percent-encoded', () => {
    const secret = 'db pass/with#symbols';
    expect(redactString(`/api/${encodeURIComponent(secret)}`, [secret])).toBe(`/api/${REDACTED}`);
  });

  it('should keep the text as it was when decoding reveals nothing', () => {
    expect(redactString('/api/proposals/a%20b?page=2')).toBe('/api/proposals/a%20b?page=2');
  });

  it('should keep the user and host of a URL and the end of a header line', () => {
    expect(redactString('/api/app:CanaryPass-u1@db.example.com')).toBe(`/api/app:${REDACTED}@db.example.com`);
    expect(redactString('a "Authorization": "ApiKey x y" b')).toBe(`a "Authorization": "${REDACTED}" b`);
  });

  it('should leave prose about tokens and passwords readable', () => {
    expect(redactString('A token expired; the password is required')).toBe('A token expired; the password is required');
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

  it('should fail closed on what it cannot walk: deep nesting and throwing getters', () => {
    let deep: Record<string, unknown> = { note: 'canary-deep-value' };
    for (let level = 0; level < 20; level += 1) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('canary-deep-value');
    const hostile = {
      get boom(): string {
        throw new Error('canary-getter');
      },
    };
    expect(redact({ hostile })).toEqual({ hostile: REDACTED });
  });

  it('should redact secrets in keys too', () => {
    expect(Object.keys(redact({ sk_live_51CanaryStripeKey0001: 1 }))).toEqual([REDACTED]);
  });

  it('should survive cycles', () => {
    const input: Record<string, unknown> = { name: 'a' };
    input.self = input;
    expect(redact(input)).toEqual({ name: 'a', self: '[circular]' });
  });
});
