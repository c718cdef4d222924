import { getDatabase } from '@app/db';
import { isEnabled } from '@app/flags';
import { MethodNotAllowedError, parse, readJsonBody, resourceId, ValidationError } from '@app/http';
import { withObservability } from '@app/observability';
import { requireBearer } from './auth.ts';
import { createProposalBody, listProposalsQuery, MAX_BODY_BYTES, updateProposalBody } from './schema.ts';
import { createProposal, getProposal, listProposals, updateProposal } from './store.ts';

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
 * /api/proposals — reads are open; writes need `Authorization: Bearer <API_TOKEN>`.
 *   GET    /api/proposals?status=&limit=&cursor=   newest first, keyset-paginated
 *   GET    /api/proposals/:id
 *   POST   /api/proposals                         { title, clientName, amountCents, status?: draft|sent }
 *   PATCH  /api/proposals/:id                     any of those fields
 */
export default withObservability(async function proposals(request, { env }) {
  const db = getDatabase(env);
  const id = resourceId(request.url, 'proposals');
  // HEAD is GET without the body (the wrapper drops it).
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const refuseArchiving = (status: string | undefined) => {
    if (status === 'archived' && !isEnabled('proposalArchive', env)) {
      throw new ValidationError([{ path: 'status', message: 'Archiving proposals is not enabled' }]);
    }
  };

  if (method === 'GET' && id === undefined) {
    const query = parse(listProposalsQuery, Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await listProposals(db, query));
  }
  if (method === 'GET' && id !== undefined) {
    return Response.json(await getProposal(db, id));
  }
  if (method === 'POST' && id === undefined) {
    requireBearer(request, env.API_TOKEN);
    const input = parse(createProposalBody, await readJsonBody(request, MAX_BODY_BYTES));
    const created = await createProposal(db, input);
    return Response.json(created, { status: 201, headers: { Location: `/api/proposals/${created.id}` } });
  }
  if (method === 'PATCH' && id !== undefined) {
    requireBearer(request, env.API_TOKEN);
    const changes = parse(updateProposalBody, await readJsonBody(request, MAX_BODY_BYTES));
    refuseArchiving(changes.status);
    return Response.json(await updateProposal(db, id, changes));
  }
  throw new MethodNotAllowedError(id === undefined ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD', 'PATCH']);
});
