import { join } from 'node:path';
import type { SQLExecutor } from '@netlify/database-dev';
import { applyMigrations, initializeTrackingTable } from '@netlify/database-dev';
import pg from 'pg';
import { repositoryRoot } from './netlify-dev.ts';

/**
 * Where Netlify Database's deploy looks for migrations (netlify-cli's `DEFAULT_MIGRATIONS_PATH`):
 * one folder per migration, `<number>_<slug>/migration.sql` (`netlify database migrations new`
 * creates them), applied in name order, each once, forward-only, tracked in `netlify.migrations`.
 */
export const migrationsDir = join(repositoryRoot, 'netlify/database/migrations');

/** Any fixed number: every `pnpm db:migrate` on a database waits on the same session lock. */
const MIGRATION_LOCK_KEY = 7_341_902;

export interface MigrateOptions {
  databaseUrl: string;
  /** Apply up to and including this migration (name or number), as `netlify database migrations apply --to`. */
  to?: string;
}

/** Netlify's migration runner needs `exec`, `query` and `transaction`; a pg client has the first two. */
function executorFor(client: pg.Client): SQLExecutor {
  const run = {
    exec: (sql: string) => client.query(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
  };
  return {
    ...run,
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work(run);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

/**
 * Applies pending migrations to a PostgreSQL of your own (Neon: the direct URL) with the same code
 * Netlify's tooling applies them with (`@netlify/database-dev`'s `applyMigrations`, which
 * `netlify database migrations apply` and netlify dev use): same files, same order, same
 * `netlify.migrations` table — so either path finds the other's work done. Concurrent runs are safe:
 * each waits for one session advisory lock, then finds nothing left to do. Returns the names applied.
 */
export async function migrate({ databaseUrl, to }: MigrateOptions): Promise<string[]> {
  if (new URL(databaseUrl).hostname.includes('-pooler')) {
    throw new Error(
      "DATABASE_URL is Neon's pooled endpoint (-pooler): migrations need the direct one (same URL without -pooler), " +
        'because advisory locks and DDL need a session of their own.',
    );
  }
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = executorFor(client);
    await adoptEarlierHistory(executor);
    return await applyMigrations(executor, migrationsDir, to);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Databases migrated before the move to Netlify's layout recorded their migrations in
 * node-pg-migrate's `pgmigrations`, under the same names: count those as applied, once.
 */
async function adoptEarlierHistory(executor: SQLExecutor): Promise<void> {
  const { rows } = await executor.query<{ t: string | null }>("select to_regclass('public.pgmigrations')::text as t");
  if (rows[0]?.t == null) return;
  await initializeTrackingTable(executor);
  await executor.query(
    'insert into netlify.migrations (name, applied_at) select name, run_on from pgmigrations on conflict (name) do nothing',
  );
}
