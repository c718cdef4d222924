import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repositoryRoot } from './netlify-dev.ts';

/**
 * One local server per checkout — `pnpm dev` or `pnpm serve`: a second would rebuild (and first
 * delete) the first's bundles.
 */
export const devLockFile = join(repositoryRoot, '.netlify/pnpm-dev.lock');

export interface DevLockHolder {
  pid: number;
  port: number;
  /** Which command holds it. @default 'dev' */
  command?: 'dev' | 'serve';
  /** The local database it serves from, for `pnpm load`'s connection counts (never a remote URL). */
  databaseUrl?: string;
  /** `pnpm serve`'s API token when it made one up for the session, for `pnpm load`. */
  apiToken?: string;
  /** `pnpm serve`'s PgBouncer (the pooled URL), for `pnpm load`'s client and server connection counts. */
  poolerUrl?: string;
}

/**
 * Whether a process with this id is running (one we may not signal still counts). A zombie — exited,
 * not yet reaped — is not: in a container whose init does not reap orphans, an exited `pnpm dev`
 * stays a zombie for good and would otherwise hold the checkout's lock forever.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

/** The state letter Linux reports for a process (`R`, `S`, `Z`…); undefined elsewhere or once it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** The live `pnpm dev` holding this checkout, if any (a lock left by a dead one does not count). */
export function devLockHolder(file = devLockFile): DevLockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as DevLockHolder;
    return Number.isInteger(holder.pid) && holder.pid !== process.pid && isProcessAlive(holder.pid)
      ? holder
      : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the checkout for this process. Returns the release, which only removes our own lock. */
export function takeDevLock(port: number, command: DevLockHolder['command'] = 'dev', file = devLockFile): () => void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, port, command } satisfies DevLockHolder));
  return releaseFor(file);
}

/** Records what the holder learns once started (its local database, its token). */
export function recordInDevLock(
  fields: Pick<DevLockHolder, 'databaseUrl' | 'apiToken' | 'poolerUrl'>,
  file = devLockFile,
): void {
  const holder = JSON.parse(readFileSync(file, 'utf8')) as DevLockHolder;
  writeFileSync(file, JSON.stringify({ ...holder, ...fields } satisfies DevLockHolder));
}

function releaseFor(file: string): () => void {
  return function releaseDevLock() {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as DevLockHolder).pid === process.pid) rmSync(file);
    } catch {
      // Gone already.
    }
  };
}
