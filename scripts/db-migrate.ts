/**
 * `pnpm db:migrate [--down [--count N]]`: applies pending migrations in migrations/ to DATABASE_URL
 * (this shell's, else .env's). Use Neon's direct endpoint, not the -pooler one: a pre-deploy step.
 */
import { checks, parseCommand } from '@app/stack/command';
import { loadDotEnv } from '@app/stack/dot-env';
import { migrate } from '@app/stack/migrate';

const { values } = parseCommand({
  name: 'pnpm db:migrate',
  summary: 'applies pending migrations in migrations/ to DATABASE_URL (Neon: the direct, non-pooler URL)',
  options: {
    down: { type: 'boolean', default: false, description: 'undo migrations instead (the last one unless --count)' },
    count: {
      type: 'string',
      valueName: '<n>',
      description: 'how many migrations to apply or undo (default: all pending up, one down)',
      check: checks.integer(1, 10_000),
    },
  },
  examples: ['pnpm db:migrate', 'DATABASE_URL=postgres://… pnpm db:migrate --down --count 1'],
  exitCodes: { 1: 'DATABASE_URL is not set, or a migration failed' },
});
loadDotEnv();
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: point it at the database to migrate (Neon: the direct, non-pooler URL).');
  process.exit(1);
}

try {
  const applied = await migrate({
    databaseUrl,
    direction: values.down ? 'down' : 'up',
    count: values.count === undefined ? undefined : Number(values.count),
    log: () => {},
  });
  const host = new URL(databaseUrl).host;
  console.log(
    applied.length === 0
      ? `Migrations: ${host} is up to date.`
      : `Migrations ${values.down ? 'undone' : 'applied'} on ${host}: ${applied.map((m) => m.name).join(', ')}`,
  );
} catch (error) {
  // The message only: a driver's stack can include the connection string.
  console.error(
    `Migration failed: ${error instanceof Error ? error.message.replace(/\/\/[^@\s]*@/g, '//***@') : error}`,
  );
  process.exit(1);
}
