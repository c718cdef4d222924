import { z } from 'zod';
import { proposalStatuses } from './transitions.ts';

/** Largest accepted request body; larger ones are refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const text = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(200, `${field} must be at most 200 characters`);

const amountCents = z
  .number({ error: 'amountCents must be a number' })
  .int('amountCents must be a whole number of cents')
  .min(0, 'amountCents must not be negative')
  .max(2_147_483_647, 'amountCents must be at most 2147483647');

const status = z.enum(proposalStatuses, { error: `status must be one of ${proposalStatuses.join(', ')}` });

/** POST body. Unknown fields are refused: a typo must not be silently dropped. */
export const createProposalBody = z.strictObject({
  title: text('title'),
  clientName: text('clientName'),
  amountCents,
  status: status.optional(),
});

/** PATCH body: any subset of the editable fields, at least one. */
export const updateProposalBody = z
  .strictObject({
    title: text('title').optional(),
    clientName: text('clientName').optional(),
    amountCents: amountCents.optional(),
    status: status.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'Send at least one of title, clientName, amountCents, status');

export const listProposalsQuery = z.strictObject({
  status: status.optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(200, 'cursor is not valid').optional(),
});

export type CreateProposal = z.infer<typeof createProposalBody>;
export type UpdateProposal = z.infer<typeof updateProposalBody>;
export type ListProposals = z.infer<typeof listProposalsQuery>;
