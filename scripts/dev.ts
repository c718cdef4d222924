/**
 * `pnpm dev`: everything a developer needs, offline: an embedded PostgreSQL when no DATABASE_URL
 * is set, the WebSocket proxy the Neon driver needs for a local database, the function bundler in
 * watch mode, and netlify dev serving every function at http://localhost:8888 behind a front door
 * that answers what would crash it (bodies over 6 MB, malformed paths) as Netlify does. Ctrl-C,
 * SIGTERM, a closed terminal or a crash stops all of it; so does any part of it dying.
 *
 *   pnpm dev [--port 8888] [--host 127.0.0.1] [--spotlight]
 *
 * `--spotlight` also starts Sentry's Spotlight sidecar (offline) on :8969 and points the functions
 * at it (SENTRY_SPOTLIGHT), so errors show up at http://localhost:8969 with no Sentry account.
 */
import { join } from 'node:path';
import { isLocalDatabase } from '@app/db';
import { databaseDefaults, formatProblems, validateEnv } from '@app/env';
import { watchFunctions } from '@app/stack/build-functions';
import { checks, parseCommand } from '@app/stack/command';
import { devLockHolder, recordDevDatabase, takeDevLock } from '@app/stack/dev-lock';
import { loadDotEnv } from '@app/stack/dot-env';
import type { EmbeddedPostgres } from '@app/stack/embedded-postgres';
import { startEmbeddedPostgres } from '@app/stack/embedded-postgres';
import { freePort, isPortFree } from '@app/stack/free-port';
import { startFrontDoor } from '@app/stack/front-door';
import { startLifeline } from '@app/stack/lifeline';
import { migrate } from '@app/stack/migrate';
import {
  loopbackOnlyPreload,
  repositoryRoot,
  spawnNetlifyDev,
  stopProcessGroup,
  waitForHttp,
} from '@app/stack/netlify-dev';
import { startSpotlight } from '@app/stack/spotlight';
import { startWsProxy } from '@app/stack/ws-proxy';

const { values: args } = parseCommand({
  name: 'pnpm dev',
  summary: 'the whole stack locally: database, migrations, WebSocket proxy, bundler, netlify dev',
  options: {
    port: {
      type: 'string',
      default: '8888',
      valueName: '<port>',
      description: 'where the API answers',
      check: checks.integer(1, 65535),
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      valueName: '<address>',
      description: 'the address to listen on (0.0.0.0 opens it to the network)',
    },
    spotlight: { type: 'boolean', default: false, description: "also start Sentry's offline viewer on :8969" },
  },
  examples: ['pnpm dev', 'pnpm dev --port 9000 --spotlight'],
  exitCodes: { 1: 'could not start (busy port, another pnpm dev here, bad environment), or a part of the stack died' },
});
const port = Number(args.port);

// Refuse before touching anything: a second stack would delete and rebuild the first's bundles,
// and a busy port means another server (an orphan, another app) would answer in our name.
const holder = devLockHolder();
if (holder !== undefined) {
  console.error(
    `[dev] pnpm dev is already running in this checkout (pid ${holder.pid}, http://localhost:${holder.port}); stop it first`,
  );
  process.exit(1);
}
if (!(await isPortFree(port, args.host))) {
  console.error(`[dev] port ${port} is already in use on ${args.host}; stop what holds it or pass --port`);
  process.exit(1);
}
const releaseLock = takeDevLock(port);
const lifeline = startLifeline();

// netlify dev reads .env itself; read it here too so DATABASE_URL there counts as "set".
loadDotEnv();

const stops: Array<() => Promise<void>> = [];
let stopping: Promise<never> | undefined;
/**
 * Stops everything started, newest first, then exits. Ctrl-C reaches both tsx and this process,
 * so it arrives twice: every later call waits for the first shutdown instead of cutting it short.
 */
function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    releaseLock();
    process.exit(code);
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
// A bug in this script must not leave the stack running without it.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error) => {
    console.error('[dev] stopping after an unexpected error:', error instanceof Error ? error.message : error);
    void stopAll(1);
  });
}

try {
  let database = 'DATABASE_URL';
  if (!process.env.DATABASE_URL) {
    const embedded: EmbeddedPostgres = await startEmbeddedPostgres({
      dataDir: join(repositoryRoot, '.data/pglite'),
      port: await freePort(),
    });
    stops.push(embedded.stop);
    process.env.DATABASE_URL = embedded.url;
    database = `embedded PostgreSQL (PGlite, data in .data/pglite) at ${embedded.url.replace(/:[^:@/]*@/, ':***@')}`;
  }

  // Local databases are migrated on start; a remote one is left to `pnpm db:migrate` (deliberately).
  let migrations = 'not applied to a remote database: run `pnpm db:migrate`';
  if (isLocalDatabase(process.env.DATABASE_URL)) {
    recordDevDatabase(process.env.DATABASE_URL);
    try {
      const applied = await migrate({ databaseUrl: process.env.DATABASE_URL, log: () => {} });
      migrations = applied.length === 0 ? 'up to date' : `applied ${applied.map((m) => m.name).join(', ')}`;
    } catch (error) {
      // Keep serving: /api/health will say what is wrong, and a restart migrates once it is back.
      migrations = `NOT applied: ${error instanceof Error ? error.message : error}`;
    }
  }

  const proxyAddress = process.env.DB_WS_PROXY ?? databaseDefaults.DB_WS_PROXY;
  const proxy = await startWsProxy({ port: Number(proxyAddress.split(':')[1]) });
  stops.push(proxy.close);
  process.env.DB_WS_PROXY = `127.0.0.1:${proxy.port}`;

  const report = validateEnv(process.env, 'dev');
  for (const warning of report.warnings) console.warn(`[env] ${warning.variable} ${warning.message}`);
  if (report.errors.length > 0) {
    console.error(`[env] invalid environment:\n${formatProblems(report.errors)}`);
    await stopAll(1);
  }

  let spotlight = '';
  if (args.spotlight) {
    const sidecar = await startSpotlight();
    stops.push(sidecar.stop);
    process.env.SENTRY_SPOTLIGHT = `${sidecar.url}/stream`;
    spotlight = `  Spotlight       ${sidecar.url} (errors from every function; \`npx spotlight tail errors\` in a terminal)`;
  }

  const bundler = await watchFunctions();
  stops.push(() => bundler.dispose());

  const netlifyPort = await freePort();
  const netlify = spawnNetlifyDev({
    port: netlifyPort,
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${loopbackOnlyPreload}`,
    },
  });
  lifeline.guard(netlify);
  stops.push(() => stopProcessGroup(netlify));
  netlify.once('exit', (code) => void stopAll(code ?? 1));

  await waitForHttp(`http://127.0.0.1:${netlifyPort}/api/health`);
  const frontDoor = await startFrontDoor({ host: args.host, port, upstreamPort: netlifyPort });
  stops.push(frontDoor.close);
  frontDoor.server.once('close', () => void stopAll(1));
  console.log(
    [
      '',
      'Proposals API is running:',
      `  http://localhost:${port}/api/health            health (also /.netlify/functions/health)`,
      '',
      `  database        ${database}`,
      `  migrations      ${migrations}`,
      `  WebSocket proxy 127.0.0.1:${proxy.port} (Neon driver → local PostgreSQL)`,
      `  netlify dev     127.0.0.1:${netlifyPort}, behind the port above (bodies over 6 MB: 413, as on Netlify)`,
      ...(spotlight ? [spotlight] : []),
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error('[dev] could not start:', error instanceof Error ? error.message : error);
  await stopAll(1);
}
