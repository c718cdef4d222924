import { configureDriver } from '@app/db';
import { findPgBouncer, startPgBouncer } from '@app/stack/pgbouncer';
import { Pool } from '@neondatabase/serverless';
import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import type { Comparison } from './measure.ts';
import { compare, timePerCall } from './measure.ts';

export interface StatementLimitCost {
  /** Per query: a transaction that sets the limit itself (`set local`) vs a plain query under the role default. */
  comparison: Comparison;
  /** How the queries reached the server. */
  path: 'PgBouncer (Neon pooler settings)' | 'direct';
}

/**
 * What the server-side statement limit costs per query, by mechanism, through PgBouncer when it is
 * installed (as production goes through Neon's pooler): the role default the migrations set costs
 * nothing extra (b: one round trip), while setting it per query needs a transaction around the
 * statement — `begin; set local statement_timeout` in one round trip, the query, `commit` (a).
 */
export async function statementLimitCost(
  databaseUrl: string,
  wsProxy: string,
  { rounds, iterations }: { rounds: number; iterations: number },
): Promise<StatementLimitCost> {
  const bouncer = findPgBouncer() === undefined ? undefined : await startPgBouncer({ upstream: databaseUrl });
  const connectionString = bouncer?.pooled(databaseUrl) ?? databaseUrl;
  configureDriver(connectionString, wsProxy);
  const pool = new Pool({ connectionString, max: 1 });
  const client = await pool.connect();
  try {
    const roleDefault = () => client.query('select 1');
    const setLocal = async () => {
      await client.query("begin; set local statement_timeout = '5s'");
      await client.query('select 1');
      await client.query('commit');
    };
    await timePerCall(roleDefault, 50);
    await timePerCall(setLocal, 50);
    const comparison = await compare(
      () => timePerCall(setLocal, iterations),
      () => timePerCall(roleDefault, iterations),
      rounds,
    );
    return { comparison, path: bouncer === undefined ? 'direct' : 'PgBouncer (Neon pooler settings)' };
  } finally {
    client.release();
    await pool.end();
    await bouncer?.stop();
  }
}

/** The report's row: `set local` per query against the role default (docs/database.md#time-limits). */
export async function measureStatementLimits(context: BenchContext): Promise<Row> {
  const { comparison, path } = await statementLimitCost(context.databaseUrl, context.wsProxy, context);
  return timingRow(`statement limit per query, ${path}: set local vs role default`, comparison, 3);
}
