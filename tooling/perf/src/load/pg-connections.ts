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

/** Samples that count every 250 ms on one connection of its own until `stop()`, which returns the peak. */
export function sampleAppConnections(databaseUrl: string | undefined): { stop(): Promise<number | undefined> } {
  if (databaseUrl === undefined) return { stop: async () => undefined };
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  let peak: number | undefined;
  let running = true;
  const loop = (async () => {
    try {
      await client.connect();
      while (running) {
        const n = (await client.query<{ n: number }>(countSql, [APPLICATION_NAME])).rows[0]?.n ?? 0;
        peak = Math.max(peak ?? 0, n);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch {
      // The database cannot be asked: no peak.
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}
