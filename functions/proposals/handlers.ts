import type { Database, Queryable } from '@app/db';
import type { Env } from '@app/env';
import { isEnabled } from '@app/flags';
import { parse, readJsonBody, ValidationError } from '@app/http';
import { log } from '@app/observability';
import { requireBearer } from './auth.ts';
import { ifNoneMatchHits } from './conditional.ts';
import type { StoredAnswer } from './idempotency.ts';
import { idempotencyKeyOf, idempotentRequest, runIdempotent, toResponse } from './idempotency.ts';
import { createProposalBody, MAX_BODY_BYTES, updateProposalBody } from './schema.ts';
import type { Versioned } from './store.ts';
import { getProposal, insertProposal, updateProposal } from './store.ts';

/** A proposal as a write answers it: JSON with its ETag (and `Location` when created). */
function proposalAnswer({ proposal, etag }: Versioned, status: 200 | 201): StoredAnswer {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag };
  if (status === 201) headers.Location = `/api/proposals/${proposal.id}`;
  return { status, headers, body: JSON.stringify(proposal) };
}

/**
 * Runs a write in a transaction — with its `Idempotency-Key` when the request has one, so that a
 * retry gets the first answer instead of a second write.
 */
async function write(
  db: Database,
  request: Request,
  env: Env,
  { key, credential, body }: { key: string | undefined; credential: string; body: unknown },
  work: (tx: Queryable) => Promise<StoredAnswer>,
): Promise<Response> {
  if (key === undefined) return toResponse({ answer: await db.transaction(work), replayed: false });
  const idempotent = idempotentRequest(request, key, credential, body);
  const result = await runIdempotent(db, idempotent, env.IDEMPOTENCY_KEY_TTL_HOURS, work);
  log.debug(result.replayed ? 'Idempotency-Key seen: the stored answer replayed' : 'Idempotency-Key new: written');
  return toResponse(result);
}

function refuseArchiving(status: string | undefined, env: Env): void {
  if (status !== 'archived') return;
  const enabled = isEnabled('proposalArchive', env);
  log.debug('flag proposalArchive read', { enabled });
  if (!enabled) throw new ValidationError([{ path: 'status', message: 'Archiving proposals is not enabled' }]);
}

/** GET one: 200 with its ETag, or 304 without a body when `If-None-Match` names that version. */
export async function readProposal(db: Database, id: string, request: Request): Promise<Response> {
  const versioned = await getProposal(db, id);
  if (ifNoneMatchHits(request.headers.get('if-none-match'), versioned.etag)) {
    return new Response(null, { status: 304, headers: { ETag: versioned.etag } });
  }
  return Response.json(versioned.proposal, { headers: { ETag: versioned.etag } });
}

export async function createProposal(db: Database, request: Request, env: Env): Promise<Response> {
  const credential = requireBearer(request, env.API_TOKEN);
  const key = idempotencyKeyOf(request); // a malformed key is a 400 before the body is read
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  const input = parse(createProposalBody, body);
  log.debug('body valid', { fields: Object.keys(input) });
  return write(db, request, env, { key, credential, body }, async (tx) =>
    proposalAnswer(await insertProposal(tx, input), 201),
  );
}

export async function changeProposal(db: Database, id: string, request: Request, env: Env): Promise<Response> {
  const credential = requireBearer(request, env.API_TOKEN);
  const key = idempotencyKeyOf(request);
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  const changes = parse(updateProposalBody, body);
  log.debug('body valid', { fields: Object.keys(changes) });
  refuseArchiving(changes.status, env);
  const ifMatch = request.headers.get('if-match');
  return write(db, request, env, { key, credential, body }, async (tx) =>
    proposalAnswer(await updateProposal(tx, id, changes, ifMatch), 200),
  );
}
