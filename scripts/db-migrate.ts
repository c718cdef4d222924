/**
 * `pnpm db:migrate [--to <name>]`: applies pending migrations in netlify/database/migrations to
 * DATABASE_URL (this shell's, else .env's), as Netlify Database's deploy applies them. For your own
 * Neon project: use its direct endpoint, not the -pooler one, as a pre-deploy step.
 */
import { parseCommand } from '@app/stack/command';
import { loadDotEnv } from '@app/stack/dot-env';
import { maskCredentials } from '@app/stack/mask-credentials';
import { migrate } from '@app/stack/migrate';

const { values } = parseCommand({
  name: 'pnpm db:migrate',
  summary:
    'applies pending migrations in netlify/database/migrations to DATABASE_URL (Neon: the direct, non-pooler URL); forward-only',
  options: {
    to: {
      type: 'string',
      valueName: '<name>',
      description: 'apply up to and including this migration (its folder name or number)',
    },
  },
  examples: ['pnpm db:migrate', 'DATABASE_URL=postgres://… pnpm db:migrate --to 1764057600000'],
  exitCodes: { 1: 'DATABASE_URL is not set, or a migration failed' },
});
loadDotEnv();
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set: point it at the database to migrate (Neon: the direct, non-pooler URL).');
  process.exit(1);
}

try {
  const applied = await migrate({ databaseUrl, to: values.to });
  const host = new URL(databaseUrl).host;
  console.log(
    applied.length === 0
      ? `Migrations: ${host} is up to date.`
      : `Migrations applied on ${host}: ${applied.join(', ')}`,
  );
} catch (error) {
  // The message only: a driver's stack can include the connection string.
  console.error(`Migration failed: ${error instanceof Error ? maskCredentials(error.message) : error}`);
  process.exit(1);
}
