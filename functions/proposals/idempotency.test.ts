import { describe, expect, it } from 'vitest';
import { idempotencyKeyOf, idempotentRequest } from './idempotency.ts';

const withKey = (value: string, init: RequestInit = {}) =>
  new Request('http://localhost/api/proposals', { method: 'POST', ...init, headers: { 'Idempotency-Key': value } });

describe('idempotencyKeyOf', () => {
  it('should accept a key bare (Stripe) or quoted (the draft structured field)', () => {
    expect(idempotencyKeyOf(withKey('8e03978e-40d5-43e8-bc93-6894a57f9324'))).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(idempotencyKeyOf(withKey('"order-17"'))).toBe('order-17');
    expect(idempotencyKeyOf(withKey('"say \\"hi\\""'))).toBe('say "hi"');
    expect(idempotencyKeyOf(new Request('http://localhost/'))).toBeUndefined();
  });

  it.each([
    ['empty quotes', '""'],
    ['too long', 'k'.repeat(256)],
    ['not printable ASCII', 'clé'],
  ])('should refuse a key that is %s with 400 naming the header', (_, value) => {
    expect(() => idempotencyKeyOf(withKey(value))).toThrow(
      expect.objectContaining({ status: 400, details: [expect.objectContaining({ path: 'Idempotency-Key' })] }),
    );
  });
});

describe('idempotentRequest', () => {
  const request = withKey('k');
  it('should fingerprint method, path, body and caller, and keep no credential', () => {
    const first = idempotentRequest(request, 'k', 'token-a', { title: 'x' });
    expect(idempotentRequest(request, 'k', 'token-a', { title: 'x' })).toEqual(first);
    expect(idempotentRequest(request, 'k', 'token-a', { title: 'y' }).fingerprint).not.toBe(first.fingerprint);
    expect(idempotentRequest(request, 'k', 'token-b', { title: 'x' }).scope).not.toBe(first.scope);
    const patch = new Request('http://localhost/api/proposals/1', { method: 'PATCH' });
    expect(idempotentRequest(patch, 'k', 'token-a', { title: 'x' }).fingerprint).not.toBe(first.fingerprint);
    expect(JSON.stringify(first)).not.toContain('token-a');
  });
});
