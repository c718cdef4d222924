import { getDatabase, pingDatabase } from '@app/db';
import { MethodNotAllowedError } from '@app/http';
import type { FunctionContext } from '@app/observability';
import { releaseOf, withObservability } from '@app/observability';
import { buildHealthReport, regionsOf } from './health-report.ts';

/** The whole check answers within this bound, even against a hung database. */
const HEALTH_TIMEOUT_MS = 2_000;

/** GET|HEAD /api/health — one curl tells an operator whether the function can reach its database. */
export default withObservability<FunctionContext>(async function health(request, { env, platform }) {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new MethodNotAllowedError(['GET', 'HEAD']);

  // No DATABASE_URL (dev only): report `fail` rather than a generic 503.
  const database = env.DATABASE_URL === undefined ? undefined : getDatabase(env);
  // Snapshot before the ping: the saturation this request met, not the pool after it waited.
  const pool = database?.metrics();
  const ping = database
    ? await pingDatabase(database, HEALTH_TIMEOUT_MS)
    : { ok: false, responseTimeMs: 0, errorName: 'DatabaseNotConfigured' };
  // Reported everywhere, judged where deployed: netlify dev's local Netlify Database (PGlite, one
  // shared session) never applies role defaults, so a dev stack would always warn.
  const expectedLimit = env.deployContext === 'dev' ? undefined : env.DB_STATEMENT_TIMEOUT_MS;
  const regions = regionsOf(env.AWS_REGION, env.DATABASE_URL);
  const report = buildHealthReport(ping, pool, releaseOf(env, platform), expectedLimit, regions);

  return new Response(request.method === 'HEAD' ? null : JSON.stringify(report), {
    status: report.status === 'fail' ? 503 : 200,
    headers: { 'Content-Type': 'application/health+json', 'Cache-Control': 'no-store' },
  });
});
