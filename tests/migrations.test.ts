import { readdirSync } from 'node:fs';
import { createDatabase } from '@app/db';
import { migrate, migrationsDir } from '@app/stack/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { runScript } from './support/run-script.ts';

const runMigrate = (databaseUrl: string) => runScript('db-migrate', [], { ...process.env, DATABASE_URL: databaseUrl });

describe('pnpm db:migrate', () => {
  let testDb: TestDatabase;
  const name = `migrate_${Date.now()}_${process.pid}`;
  let url: string;
  beforeAll(async () => {
    testDb = await useTestDatabase();
    await testDb.admin.query(`create database ${name}`);
    const target = new URL(testDb.url);
    target.pathname = `/${name}`;
    url = target.toString();
  });
  afterAll(async () => {
    await testDb.admin.query(`drop database if exists ${name} with (force)`);
    await testDb.close();
  });

  it('should apply each migration exactly once when ten run at the same time', async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => runMigrate(url)));
    expect(runs.map((run) => run.code)).toEqual(Array(10).fill(0));
    expect(runs.filter((run) => run.output.includes('Migrations applied')).length).toBe(1);

    const db = createDatabase({ connectionString: url, wsProxy: testDb.wsProxy, max: 1 });
    try {
      const applied = await db.query<{ name: string; runs: number }>(
        'select name, count(*)::int as runs from pgmigrations group by name order by name',
      );
      const files = readdirSync(migrationsDir).map((file) => file.replace(/\.sql$/, ''));
      expect(applied).toEqual(files.sort().map((file) => ({ name: file, runs: 1 })));
      expect(await db.query("select to_regclass('public.proposals')::text as t")).toEqual([{ t: 'proposals' }]);
    } finally {
      await db.end();
    }
  });

  it("should refuse Neon's pooled endpoint before connecting", async () => {
    await expect(
      migrate({ databaseUrl: 'postgresql://u:p@ep-cool-123-pooler.eu-central-1.aws.neon.tech/app', log: () => {} }),
    ).rejects.toThrow(/direct one/);
  });
});
