import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { isLocalDatabase } from '@app/db';
import { recordInDevLock } from './dev-lock.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';
import { migrate } from './migrate.ts';
import { repositoryRoot } from './netlify-dev.ts';
import { startPostgresServer } from './postgres.ts';
import { startWsProxy } from './ws-proxy.ts';

export interface LocalDatabase {
  /** For the banner: which database, with any password masked. */
  description: string;
  /** For the banner: what happened to the migrations. */
  migrations: string;
  proxyPort: number;
  /** Stops what this started, newest first. */
  stops: Array<() => Promise<void>>;
}

export interface LocalDatabaseOptions {
  proxyPort: number;
  /**
   * Without DATABASE_URL: `pglite` keeps data in .data/pglite between runs (one session for every
   * connection: fine for one developer); `postgres` is a real, throwaway PostgreSQL, for concurrent
   * instances (`pnpm serve`).
   */
  embedded: 'pglite' | 'postgres';
  /** Hands the embedded server's process to a watchdog (lifeline.ts). */
  guard?: (child: ChildProcess) => void;
}

/**
 * The database side of a local server (`pnpm dev`, `pnpm serve`): DATABASE_URL when set, else an
 * embedded one; pending migrations applied to a local one (a remote one is left to
 * `pnpm db:migrate`, deliberately); and the WebSocket proxy the Neon driver needs in front of it.
 * Sets DATABASE_URL and DB_WS_PROXY in this process's environment.
 */
export async function startLocalDatabase({ proxyPort, embedded, guard }: LocalDatabaseOptions): Promise<LocalDatabase> {
  const stops: Array<() => Promise<void>> = [];
  let description = 'DATABASE_URL';
  if (!process.env.DATABASE_URL && embedded === 'postgres') {
    const server = await startPostgresServer({ guard });
    stops.push(server.stop);
    process.env.DATABASE_URL = server.url;
    description = `a throwaway PostgreSQL (embedded-postgres, a temporary folder) at ${server.url.replace(/:[^:@/]*@/, ':***@')}`;
  } else if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(repositoryRoot, '.data/pglite'),
      port: await freePort(),
    });
    stops.push(embedded.stop);
    process.env.DATABASE_URL = embedded.url;
    description = `embedded PostgreSQL (PGlite, data in .data/pglite) at ${embedded.url.replace(/:[^:@/]*@/, ':***@')}`;
  }

  let migrations = 'not applied to a remote database: run `pnpm db:migrate`';
  if (isLocalDatabase(process.env.DATABASE_URL)) {
    recordInDevLock({ databaseUrl: process.env.DATABASE_URL });
    try {
      const applied = await migrate({ databaseUrl: process.env.DATABASE_URL });
      migrations = applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`;
    } catch (error) {
      // Keep serving: /api/health will say what is wrong, and a restart migrates once it is back.
      migrations = `NOT applied: ${error instanceof Error ? error.message : error}`;
    }
  }

  const proxy = await startWsProxy({ port: proxyPort });
  stops.push(proxy.close);
  process.env.DB_WS_PROXY = `127.0.0.1:${proxy.port}`;
  return { description, migrations, proxyPort: proxy.port, stops };
}
