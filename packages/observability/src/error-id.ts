import { randomInt } from 'node:crypto';

// Crockford's base32 without I, L, O, U: nothing a user can misread when reading it out to support.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short, readable id for one error occurrence, e.g. `ERR-7K3M9Q2X`: 40 random bits, so two
 * occurrences collide with odds of about one in a trillion.
 */
export function newErrorId(): string {
  let id = '';
  for (let i = 0; i < 8; i += 1) id += alphabet[randomInt(alphabet.length)];
  return `ERR-${id}`;
}
