import { readdirSync } from 'node:fs';
import { migrate, migrationsDir } from '@app/stack/migrate';
import { NetlifyDB } from '@netlify/database-dev';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { runScript } from './support/run-script.ts';

const runMigrate = (databaseUrl: string) => runScript('db-migrate', [], { ...process.env, DATABASE_URL: databaseUrl });

/** What a schema is, as far as the app can tell: columns, constraints and indexes, as text. */
const schemaSql = {
  columns: `select table_schema, table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema in ('public', 'netlify') order by 1, 2, 3`,
  constraints: `select conrelid::regclass::text as on_table, conname, pg_get_constraintdef(oid) as def
    from pg_constraint where connamespace in ('public'::regnamespace, 'netlify'::regnamespace) order by 1, 2`,
  indexes: `select tablename, indexname, indexdef from pg_indexes where schemaname in ('public', 'netlify') order by 1, 2`,
};
type Query = (sql: string) => Promise<unknown[]>;
const schemaOf = async (query: Query) => ({
  columns: await query(schemaSql.columns),
  constraints: await query(schemaSql.constraints),
  indexes: await query(schemaSql.indexes),
});

describe('migrations (netlify/database/migrations)', () => {
  let testDb: TestDatabase;
  const created: string[] = [];
  /** A fresh, empty database on the run's PostgreSQL. */
  async function freshDatabase(label: string): Promise<string> {
    const name = `migrate_${label}_${Date.now()}_${process.pid}`;
    await testDb.admin.query(`create database ${name}`);
    created.push(name);
    const target = new URL(testDb.url);
    target.pathname = `/${name}`;
    return target.toString();
  }
  async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  beforeAll(async () => {
    testDb = await useTestDatabase();
  });
  afterAll(async () => {
    for (const name of created) await testDb.admin.query(`drop database if exists ${name} with (force)`);
    await testDb.close();
  });

  it('should apply each migration exactly once when ten pnpm db:migrate run at the same time', async () => {
    const url = await freshDatabase('ten');
    const runs = await Promise.all(Array.from({ length: 10 }, () => runMigrate(url)));
    expect(runs.map((run) => run.code)).toEqual(Array(10).fill(0));
    expect(runs.filter((run) => run.output.includes('Migrations applied')).length).toBe(1);
    const applied = await onDatabase(
      url,
      async (client) => (await client.query('select name from netlify.migrations order by name')).rows,
    );
    expect(applied).toEqual(
      readdirSync(migrationsDir)
        .sort()
        .map((name) => ({ name })),
    );
  });

  it("should build the same schema as Netlify's own runner from the same files, each applying nothing the second time", async () => {
    // Netlify's side: the local Netlify Database netlify dev runs (PGlite), migrated by its own code.
    const netlifyDb = new NetlifyDB({ logger: () => {} });
    await netlifyDb.start();
    let netlifySchema: Awaited<ReturnType<typeof schemaOf>>;
    try {
      expect(await netlifyDb.applyMigrations(migrationsDir)).toEqual(readdirSync(migrationsDir).sort());
      expect(await netlifyDb.applyMigrations(migrationsDir)).toEqual([]);
      netlifySchema = await schemaOf(async (sql) => (await netlifyDb.query(sql)).rows);
    } finally {
      await netlifyDb.stop();
    }

    const url = await freshDatabase('same');
    expect((await runMigrate(url)).output).toContain('Migrations applied');
    expect((await runMigrate(url)).output).toContain('is up to date');
    const ourSchema = await onDatabase(url, (client) => schemaOf(async (sql) => (await client.query(sql)).rows));
    expect(ourSchema).toEqual(netlifySchema);
    expect(ourSchema.columns.length).toBeGreaterThan(5);
  });

  it('should count migrations recorded by node-pg-migrate before the move as applied', async () => {
    const url = await freshDatabase('adopt');
    await onDatabase(url, async (client) => {
      // A database migrated before: the table exists and pgmigrations says so.
      await client.query(
        'create table pgmigrations (id serial primary key, name varchar(255) not null, run_on timestamp not null)',
      );
      await client.query("insert into pgmigrations (name, run_on) values ('1764057600000_create-proposals', now())");
      await client.query('create table proposals (id uuid primary key)');
    });
    const run = await runMigrate(url);
    expect(run.code, run.output).toBe(0);
    // The recorded one is not applied again (it would fail on the existing table); later ones are.
    const applied = /Migrations applied on [^:]+:\d+: (.*)/.exec(run.output)?.[1]?.split(', ');
    expect(applied).toEqual(readdirSync(migrationsDir).filter((name) => name !== '1764057600000_create-proposals'));
  });

  it("should refuse Neon's pooled endpoint before connecting", async () => {
    await expect(
      migrate({ databaseUrl: 'postgresql://u:p@ep-cool-123-pooler.eu-central-1.aws.neon.tech/app' }),
    ).rejects.toThrow(/direct one/);
  });
});
