import { UnauthorizedError } from '@app/http';
import { describe, expect, it } from 'vitest';
import { requireBearer } from './auth.ts';

const request = (authorization?: string) =>
  new Request('http://localhost/api/proposals', authorization ? { headers: { authorization } } : {});

describe('requireBearer', () => {
  it('should accept the exact token', () => {
    expect(() => requireBearer(request('Bearer right-token-123456'), 'right-token-123456')).not.toThrow();
  });

  it.each(['bearer', 'BEARER', 'Bearer  '])(
    'should accept the scheme written %j (schemes are case-insensitive)',
    (scheme) => {
      expect(() => requireBearer(request(`${scheme} right-token-123456`), 'right-token-123456')).not.toThrow();
    },
  );

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic right-token-123456'],
    ['a wrong token', 'Bearer wrong-token-123456'],
    ['a prefix of the token', 'Bearer right-token'],
    ['an empty token', 'Bearer '],
  ])('should refuse %s', (_, header) => {
    expect(() => requireBearer(request(header), 'right-token-123456')).toThrow(UnauthorizedError);
  });

  it('should refuse everything when no token is configured', () => {
    expect(() => requireBearer(request('Bearer undefined'), undefined)).toThrow(UnauthorizedError);
  });
});
