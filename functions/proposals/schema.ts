// zod/mini: the tree-shakable build. The classic one added ~20 ms to this function's cold start.
import * as z from 'zod/mini';
import { initialStatuses, proposalStatuses } from './transitions.ts';

/** Largest accepted request body; larger ones are refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A lone half of a UTF-16 surrogate pair: not a character, stored as U+FFFD if let through. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters that change how the text around them is displayed: a title shown reversed. */
const directionOverride = /[\u202A-\u202E\u2066-\u2069]/;
/**
 * At least one character a reader can see: not whitespace, not a format character (U+200B, U+FEFF,
 * direction marks), not a control or a combining mark alone, not a blank that looks like a letter.
 */
const visible = /[^\p{White_Space}\p{Cf}\p{Cc}\p{M}\u115F\u1160\u2800\u3164\uFFA0]/u;

const text = (field: string) =>
  z.string({ error: `${field} must be a string` }).check(
    z.trim(),
    z.minLength(1, `${field} must not be empty`),
    z.maxLength(200, `${field} must be at most 200 characters`),
    // PostgreSQL text cannot hold U+0000: refuse it here rather than fail in the database.
    z.refine((value) => !value.includes('\u0000'), `${field} must not contain NUL characters`),
    z.refine((value) => !loneSurrogate.test(value), `${field} must be valid Unicode (it holds a lone surrogate)`),
    z.refine((value) => !directionOverride.test(value), `${field} must not contain direction-override characters`),
    // One reason per value: an override alone is reported as an override.
    z.refine(
      (value) => value === '' || visible.test(value) || directionOverride.test(value),
      `${field} must contain a visible character`,
    ),
  );

const amountCents = z
  .number({ error: 'amountCents must be a number' })
  .check(
    z.int('amountCents must be a whole number of cents'),
    z.minimum(0, 'amountCents must not be negative'),
    z.maximum(2_147_483_647, 'amountCents must be at most 2147483647'),
  );

const status = z.enum(proposalStatuses, { error: `status must be one of ${proposalStatuses.join(', ')}` });

/** POST body. Unknown fields are refused: a typo must not be silently dropped. */
export const createProposalBody = z.strictObject({
  title: text('title'),
  clientName: text('clientName'),
  amountCents,
  status: z.optional(
    z.enum(initialStatuses, { error: `status of a new proposal must be one of ${initialStatuses.join(', ')}` }),
  ),
});

/** PATCH body: any subset of the editable fields, at least one. */
export const updateProposalBody = z
  .strictObject({
    title: z.optional(text('title')),
    clientName: z.optional(text('clientName')),
    amountCents: z.optional(amountCents),
    status: z.optional(status),
  })
  .check(
    z.refine((body) => Object.keys(body).length > 0, 'Send at least one of title, clientName, amountCents, status'),
  );

export const listProposalsQuery = z.strictObject({
  status: z.optional(status),
  limit: z._default(
    z.coerce
      .number({ error: 'limit must be a number' })
      .check(
        z.int('limit must be a whole number'),
        z.minimum(1, 'limit must be at least 1'),
        z.maximum(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
      ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.maxLength(200, 'cursor is not valid'))),
});

export type CreateProposal = z.infer<typeof createProposalBody>;
export type UpdateProposal = z.infer<typeof updateProposalBody>;
export type ListProposals = z.infer<typeof listProposalsQuery>;
