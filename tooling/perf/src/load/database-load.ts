import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { APPLICATION_NAME } from '@app/db';
import pg from 'pg';

/** What the database side did during a run: the app's connections, the pooler's, and the server's CPU. */
export interface DatabaseLoad {
  /** Most connections the functions held at once (`APPLICATION_NAME`, as `countAppConnections` counts them). */
  appConnectionsPeak: number;
  /** Most client connections the instances held to PgBouncer at once (pooled runs only). */
  poolerClientsPeak?: number;
  /** Most server connections PgBouncer held to PostgreSQL for this database at once (pooled runs only). */
  poolerServersPeak?: number;
  /** CPU time of the PostgreSQL processes serving this database, over the run, in ms. */
  cpuMs: number;
  /** The busiest sampling interval's CPU of those processes, as a share of one core (0.35 = 35 %). */
  cpuPeakShare: number;
}

const SAMPLE_MS = 250;
/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux almost everywhere). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in ticks; undefined once it is gone (or not on this machine). */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Samples, every 250 ms on one connection of its own until `stop()`: the functions' connections,
 * the CPU time of every backend serving `databaseUrl`'s database (read from /proc: a database on
 * this machine only), and — with `poolerUrl`, PgBouncer's admin console — its client and server
 * connections for that database. Undefined where the database cannot be asked; the pooler's
 * figures are left out where it cannot.
 */
export function sampleDatabaseLoad(
  databaseUrl: string | undefined,
  poolerUrl: string | undefined,
): { stop(): Promise<DatabaseLoad | undefined> } {
  if (databaseUrl === undefined) return { stop: async () => undefined };
  const database = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  const pooler = poolerUrl === undefined ? undefined : adminClient(poolerUrl);
  const last = new Map<number, number>();
  const load: DatabaseLoad = { appConnectionsPeak: 0, cpuMs: 0, cpuPeakShare: 0 };
  let ok = false;
  let running = true;
  const loop = (async () => {
    try {
      await client.connect();
      await pooler?.connect().catch(() => undefined);
      let sampledAt = performance.now();
      while (running) {
        const { cpuMs, appConnections } = await sampleBackends(client, last);
        const now = performance.now();
        load.appConnectionsPeak = Math.max(load.appConnectionsPeak, appConnections);
        load.cpuMs += cpuMs;
        if (ok) load.cpuPeakShare = Math.max(load.cpuPeakShare, cpuMs / (now - sampledAt));
        sampledAt = now;
        if (pooler !== undefined) await samplePooler(pooler, database, load);
        ok = true;
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
    } catch {
      // The database cannot be asked: no figures.
    } finally {
      await client.end().catch(() => {});
      await pooler?.end().catch(() => {});
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return ok ? load : undefined;
    },
  };
}

/**
 * One look at the server's client backends: the functions' connections (any database, as
 * `countAppConnections` counts them), and the CPU ms this database's backends used since the last
 * call (`last` keeps each one's ticks).
 */
async function sampleBackends(
  client: pg.Client,
  last: Map<number, number>,
): Promise<{ cpuMs: number; appConnections: number }> {
  const { rows } = await client.query<{ pid: number; here: boolean; app: boolean }>(
    `select pid, datname = current_database() as here, application_name = $1 as app
     from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    [APPLICATION_NAME],
  );
  let ticks = 0;
  for (const { pid } of rows.filter((row) => row.here)) {
    const now = cpuTicks(pid);
    if (now === undefined) continue;
    ticks += now - (last.get(pid) ?? now);
    last.set(pid, now);
  }
  return { cpuMs: (ticks / ticksPerSecond) * 1_000, appConnections: rows.filter((row) => row.app).length };
}

/** A client of PgBouncer's admin console (the `pgbouncer` database) as the pooled URL's user. */
function adminClient(poolerUrl: string): pg.Client {
  const admin = new URL(poolerUrl);
  admin.pathname = '/pgbouncer';
  return new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 1_000 });
}

/** PgBouncer's `SHOW POOLS` for the database: clients (active + waiting) and servers (every state). */
async function samplePooler(admin: pg.Client, database: string, load: DatabaseLoad): Promise<void> {
  try {
    // No parameters: the admin console speaks the simple query protocol only.
    const { rows } = await admin.query<Record<string, string>>('SHOW POOLS');
    const pools = rows.filter((row) => row.database === database);
    const sum = (...columns: string[]) =>
      pools.reduce((total, row) => total + columns.reduce((n, column) => n + Number(row[column] ?? 0), 0), 0);
    load.poolerClientsPeak = Math.max(load.poolerClientsPeak ?? 0, sum('cl_active', 'cl_waiting'));
    load.poolerServersPeak = Math.max(
      load.poolerServersPeak ?? 0,
      sum('sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'),
    );
  } catch {
    // No admin access: the pooler's columns stay empty.
  }
}

/** The seed's bound for the database at peak: under half of its CPU. */
export const DATABASE_CPU_TARGET_SHARE = 0.5;

/** The report's lines about the database side, for `requests` requests. */
export function describeDatabaseLoad(load: DatabaseLoad | undefined, requests: number): string[] {
  if (load === undefined) return [];
  const lines: string[] = [];
  if (load.poolerClientsPeak !== undefined) {
    lines.push(
      `pooler (PgBouncer, Neon's settings): at most ${load.poolerClientsPeak} client connections from the instances onto ${load.poolerServersPeak} server connections`,
    );
  }
  const peak = load.cpuPeakShare * 100;
  const verdict = load.cpuPeakShare < DATABASE_CPU_TARGET_SHARE ? 'under' : 'OVER';
  lines.push(
    `database CPU (its PostgreSQL processes): peak ${peak.toFixed(0)} % of one core (${verdict} the seed's ${DATABASE_CPU_TARGET_SHARE * 100} %), ${(load.cpuMs / Math.max(1, requests)).toFixed(2)} ms per request`,
  );
  return lines;
}
