/**
 * The baseline the benchmarks compare against: a v2 function that only runs the one statement
 * health runs (`pingSql`, a string: nothing else of @app/db is bundled), with none of this
 * project's layers (env, flags, observability). Configured for a local database the
 * same way @app/db does it (on Node 22 the driver uses the global WebSocket, as ours does).
 */
import { pingSql } from '@app/db/ping-sql';
import { neonConfig, Pool } from '@neondatabase/serverless';

neonConfig.wsProxy = (host, port) => `${process.env.DB_WS_PROXY}/v1?address=${host}:${port}`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineConnect = false;
neonConfig.pipelineTLS = false;

let pool: Pool | undefined;

export default async function bare(): Promise<Response> {
  pool ??= new Pool({
    connectionString: process.env.DATABASE_URL,
    max: 25,
    idleTimeoutMillis: 200,
    allowExitOnIdle: true,
  });
  const { rows } = await pool.query(pingSql);
  return Response.json(rows[0]);
}
