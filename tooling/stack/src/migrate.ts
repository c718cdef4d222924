import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { repositoryRoot } from './netlify-dev.ts';

export const migrationsDir = join(repositoryRoot, 'migrations');

export interface MigrateOptions {
  databaseUrl: string;
  direction?: 'up' | 'down';
  /** For `down`: how many to undo. @default 1 */
  count?: number;
  log?: (line: string) => void;
}

/**
 * Applies pending SQL migrations with node-pg-migrate over a plain TCP connection. Concurrent runs
 * are safe: each waits for the tool's advisory lock (`advisoryLockMode: 'wait'`) and then finds
 * nothing left to do, so every migration runs exactly once and every run succeeds.
 */
export async function migrate({ databaseUrl, direction = 'up', count, log = console.log }: MigrateOptions) {
  if (new URL(databaseUrl).hostname.includes('-pooler')) {
    throw new Error(
      "DATABASE_URL is Neon's pooled endpoint (-pooler): migrations need the direct one (same URL without -pooler), " +
        'because advisory locks and DDL need a session of their own.',
    );
  }
  return runner({
    databaseUrl,
    dir: migrationsDir,
    direction,
    count: direction === 'down' ? (count ?? 1) : Number.POSITIVE_INFINITY,
    migrationsTable: 'pgmigrations',
    advisoryLockMode: 'wait',
    checkOrder: true,
    singleTransaction: true,
    log,
  });
}
