import type { TestDatabase } from './database.ts';

export interface AppRole {
  name: string;
  password: string;
  /** The run's database URL, logged in as this role. */
  url: string;
  drop(): Promise<void>;
}

/** Server-side limits as role defaults, in PostgreSQL's units ('1s', '300ms'); unset = none. */
export interface RoleLimits {
  statement_timeout?: string;
  lock_timeout?: string;
  idle_in_transaction_session_timeout?: string;
}

/**
 * A login role of the test's own with a password, privileges on the run's tables and, as the
 * migrations give the app's role, time limits as role defaults in this database — so a test can
 * use short limits without touching the role everything else runs as.
 */
export async function createAppRole(testDb: TestDatabase, label: string, limits: RoleLimits = {}): Promise<AppRole> {
  const name = `app_${label}_${process.pid}_${Date.now().toString(36)}`;
  const password = `pw-${name}-0123456789`;
  const admin = testDb.admin;
  await admin.query(`create role ${name} login password '${password}'`);
  await admin.query(`grant usage, create on schema public to ${name}`);
  await admin.query(`grant select, insert, update, delete on all tables in schema public to ${name}`);
  const [{ db } = { db: '' }] = await admin.query<{ db: string }>('select current_database() as db');
  for (const [setting, value] of Object.entries(limits)) {
    await admin.query(`alter role ${name} in database ${db} set ${setting} = '${value}'`);
  }
  const url = new URL(testDb.url);
  url.username = name;
  url.password = password;
  return {
    name,
    password,
    url: url.toString(),
    async drop() {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [name]);
      await admin.query(`drop owned by ${name}`);
      await admin.query(`drop role ${name}`);
    },
  };
}

/** This role's server sessions in the run's database, by state ('active', 'idle in transaction', …). */
export async function sessionsOf(testDb: TestDatabase, role: string): Promise<Record<string, number>> {
  const rows = await testDb.admin.query<{ state: string | null; n: number }>(
    `select state, count(*)::int as n from pg_stat_activity
     where usename = $1 and datname = current_database() group by state`,
    [role],
  );
  return Object.fromEntries(rows.map((row) => [row.state ?? 'unknown', row.n]));
}
