import { getDatabase } from '@app/db';
import { MethodNotAllowedError, parse, resourceId } from '@app/http';
import { withObservability } from '@app/observability';
import { changeProposal, createProposal, readProposal } from './handlers.ts';
import { listProposalsQuery } from './schema.ts';
import { listProposals } from './store.ts';

/**
 * Netlify's own rate limit, applied at its edge before the function runs (it is written into the
 * deploy manifest as a traffic rule; netlify dev does not enforce it). Per client IP and per
 * domain, over a sliding minute: generous for a person or an integration (5 requests a second
 * sustained), a wall for a script hammering writes. It covers reads as well — Netlify limits a
 * function, not a method — so a load test against a deploy preview from one machine must stay
 * under it or be run against `pnpm dev` (docs/deploy.md).
 */
export const config = {
  rateLimit: { windowLimit: 300, windowSize: 60, aggregateBy: ['ip', 'domain'] },
};

/**
 * /api/proposals — reads are open; writes need `Authorization: Bearer <API_TOKEN>` and take an
 * optional `Idempotency-Key`; one proposal carries an `ETag` (docs/api.md#retries-and-races).
 *   GET    /api/proposals?status=&limit=&cursor=   newest first, keyset-paginated
 *   GET    /api/proposals/:id                     If-None-Match → 304
 *   POST   /api/proposals                         { title, clientName, amountCents, status?: draft|sent }
 *   PATCH  /api/proposals/:id                     any of those fields; If-Match → 412 when stale
 */
export default withObservability(async function proposals(request, { env }) {
  const db = getDatabase(env);
  const id = resourceId(request.url, 'proposals');
  // HEAD is GET without the body (the wrapper drops it).
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (method === 'GET' && id === undefined) {
    const query = parse(listProposalsQuery, Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await listProposals(db, query));
  }
  if (method === 'GET' && id !== undefined) return readProposal(db, id, request);
  if (method === 'POST' && id === undefined) return createProposal(db, request, env);
  if (method === 'PATCH' && id !== undefined) return changeProposal(db, id, request, env);
  throw new MethodNotAllowedError(id === undefined ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD', 'PATCH']);
});
