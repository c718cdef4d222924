import { APPLICATION_NAME } from '@app/db';
import pg from 'pg';

const countSql = 'select count(*)::int as n from pg_stat_activity where application_name = $1';

/**
 * How many connections the functions hold open (`APPLICATION_NAME` from @app/db), for a local
 * target only; undefined when the database cannot be asked.
 */
export async function countAppConnections(databaseUrl: string | undefined): Promise<number | undefined> {
  if (databaseUrl === undefined) return undefined;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return (await client.query<{ n: number }>(countSql, [APPLICATION_NAME])).rows[0]?.n;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
