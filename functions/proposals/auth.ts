import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@app/http';
import { log } from '@app/observability';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Requires `Authorization: Bearer <token>` and returns the credential. Compares fixed-length
 * digests in constant time, so neither the token's content nor its length leaks through timing.
 */
export function requireBearer(request: Request, token: string | undefined): string {
  // Auth schemes are case-insensitive (RFC 9110 §11.1): `bearer x` is as valid as `Bearer x`.
  const match = /^bearer +(\S.*)$/i.exec(request.headers.get('authorization') ?? '');
  const given = match?.[1];
  if (token === undefined || given === undefined || !timingSafeEqual(digest(given), digest(token))) {
    log.debug('auth: refused', { reason: given === undefined ? 'no bearer token' : 'token does not match' });
    throw new UnauthorizedError();
  }
  log.debug('auth: accepted');
  return given;
}
