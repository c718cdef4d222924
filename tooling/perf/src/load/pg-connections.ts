import pg from 'pg';

/**
 * How many connections the functions hold open (`application_name = app-functions`), for a local
 * target only; undefined when the database cannot be asked.
 */
export async function countAppConnections(databaseUrl: string | undefined): Promise<number | undefined> {
  if (databaseUrl === undefined) return undefined;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const result = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where application_name = 'app-functions'",
    );
    return result.rows[0]?.n;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
