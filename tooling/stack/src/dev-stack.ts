import { databaseDefaults, formatProblems, validateEnv } from '@app/env';
import { watchFunctions } from './build-functions.ts';
import { devLockHolder, takeDevLock } from './dev-lock.ts';
import { loadDotEnv } from './dot-env.ts';
import { freePort, isPortFree } from './free-port.ts';
import { startFrontDoor } from './front-door.ts';
import { startLifeline } from './lifeline.ts';
import { maskPassword, migrateLocal, netlifyDevDatabaseUrl, startLocalDatabase } from './local-database.ts';
import { loopbackOnlyPreload, spawnNetlifyDev, stopProcessGroup, waitForHttp } from './netlify-dev.ts';
import { startSpotlight } from './spotlight.ts';

export interface DevStackOptions {
  /** Where the API answers (the front door). */
  port: number;
  /** The front door's address; everything else stays on loopback. */
  host: string;
  /** Also start Sentry's Spotlight sidecar and point the functions at it. */
  spotlight: boolean;
}

/**
 * `pnpm dev`'s whole stack: netlify dev's local Netlify Database when no DATABASE_URL is set, migrations, the
 * WebSocket proxy, the bundler in watch mode, netlify dev on an internal port and the front door.
 * It takes over the process: it prints the banner once everything answers, and stops everything
 * (then exits) on Ctrl-C, SIGTERM, SIGHUP, an unexpected error, or any part of it dying; a
 * watchdog process stops netlify dev even if this process is killed outright.
 */
export async function runDevStack({ port, host, spotlight: withSpotlight }: DevStackOptions): Promise<void> {
  // Refuse before touching anything: a second stack would delete and rebuild the first's bundles,
  // and a busy port means another server (an orphan, another app) would answer in our name.
  const holder = devLockHolder();
  if (holder !== undefined) {
    console.error(
      `[dev] pnpm ${holder.command ?? 'dev'} is already running in this checkout (pid ${holder.pid}, http://localhost:${holder.port}); stop it first`,
    );
    process.exit(1);
  }
  if (!(await isPortFree(port, host))) {
    console.error(`[dev] port ${port} is already in use on ${host}; stop what holds it or pass --port`);
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
    const proxyAddress = process.env.DB_WS_PROXY ?? databaseDefaults.DB_WS_PROXY;
    const local = await startLocalDatabase({
      proxyPort: Number(proxyAddress.split(':')[1]),
      embedded: 'netlify-dev',
    });
    stops.push(...local.stops);
    let { description: database, migrations } = local;
    const proxy = { port: local.proxyPort };

    const report = validateEnv(process.env, 'dev');
    for (const warning of report.warnings) console.warn(`[env] ${warning.variable} ${warning.message}`);
    if (report.errors.length > 0) {
      console.error(`[env] invalid environment:\n${formatProblems(report.errors)}`);
      await stopAll(1);
    }

    let spotlight = '';
    if (withSpotlight) {
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
    if (database === undefined) {
      // No DATABASE_URL: the functions use netlify dev's own local Netlify Database (NETLIFY_DB_URL).
      const url = await netlifyDevDatabaseUrl();
      database = url
        ? `Netlify Database, netlify dev's local one (data in .netlify/db) at ${maskPassword(url)}`
        : 'none: netlify dev started no local Netlify Database (set DATABASE_URL)';
      migrations = url ? await migrateLocal(url) : 'not applied';
    }
    const frontDoor = await startFrontDoor({ host, port, upstreamPort: netlifyPort });
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
}
