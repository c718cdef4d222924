import { databaseDefaults, formatProblems, validateEnv } from '@app/env';
import { watchFunctions } from './build-functions.ts';
import { freePort } from './free-port.ts';
import { startFrontDoor } from './front-door.ts';
import { migrateLocal, netlifyDevDatabaseUrl, startLocalDatabase } from './local-database.ts';
import type { LocalServer } from './local-server.ts';
import { runLocalServer } from './local-server.ts';
import { maskCredentials } from './mask-credentials.ts';
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
 * It takes over the process (local-server.ts): it prints the banner once everything answers, and
 * stops everything (then exits) on Ctrl-C, SIGTERM, SIGHUP, an unexpected error, or any part of it
 * dying; a watchdog process stops netlify dev even if this process is killed outright.
 */
export function runDevStack({ port, host, spotlight }: DevStackOptions): Promise<void> {
  return runLocalServer({ command: 'dev', port, host }, async (server) => {
    const proxyAddress = process.env.DB_WS_PROXY ?? databaseDefaults.DB_WS_PROXY;
    const local = await startLocalDatabase({ proxyPort: Number(proxyAddress.split(':')[1]), embedded: 'netlify-dev' });
    for (const stop of local.stops) server.onStop(stop);
    const report = validateEnv(process.env, 'dev');
    for (const warning of report.warnings) console.warn(`[env] ${warning.variable} ${warning.message}`);
    if (report.errors.length > 0) {
      console.error(`[env] invalid environment:\n${formatProblems(report.errors)}`);
      await server.stop(1);
    }
    const spotlightLine = spotlight ? await startSpotlightFor(server) : undefined;
    const bundler = await watchFunctions();
    server.onStop(() => bundler.dispose());
    const netlifyPort = await startNetlifyDev(server);
    const { database, migrations } = local.description
      ? { database: local.description, migrations: local.migrations }
      : await netlifyDevDatabase();
    const frontDoor = await startFrontDoor({ host, port, upstreamPort: netlifyPort });
    server.onStop(frontDoor.close);
    frontDoor.server.once('close', () => void server.stop(1));
    return [
      'Proposals API is running:',
      `  http://localhost:${port}/api/health            health (also /.netlify/functions/health)`,
      '',
      `  database        ${database}`,
      `  migrations      ${migrations}`,
      `  WebSocket proxy 127.0.0.1:${local.proxyPort} (Neon driver → local PostgreSQL)`,
      `  netlify dev     127.0.0.1:${netlifyPort}, behind the port above (bodies over 6 MB: 413, as on Netlify)`,
      ...(spotlightLine ? [spotlightLine] : []),
    ];
  });
}

/** Sentry's offline viewer, with the functions pointed at it; returns its banner line. */
async function startSpotlightFor(server: LocalServer): Promise<string> {
  const sidecar = await startSpotlight();
  server.onStop(sidecar.stop);
  process.env.SENTRY_SPOTLIGHT = `${sidecar.url}/stream`;
  return `  Spotlight       ${sidecar.url} (errors from every function; \`npx spotlight tail errors\` in a terminal)`;
}

/** netlify dev on a free loopback port, guarded and stopped with the stack (which stops if it dies); returns its port. */
async function startNetlifyDev(server: LocalServer): Promise<number> {
  const netlifyPort = await freePort();
  const netlify = spawnNetlifyDev({
    port: netlifyPort,
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${loopbackOnlyPreload}` },
  });
  server.lifeline.guard(netlify);
  server.onStop(() => stopProcessGroup(netlify));
  netlify.once('exit', (code) => void server.stop(code ?? 1));
  await waitForHttp(`http://127.0.0.1:${netlifyPort}/api/health`);
  return netlifyPort;
}

/** No DATABASE_URL: the functions use netlify dev's own local Netlify Database (NETLIFY_DB_URL), migrated here. */
async function netlifyDevDatabase(): Promise<{ database: string; migrations: string }> {
  const url = await netlifyDevDatabaseUrl();
  if (url === undefined) {
    return {
      database: 'none: netlify dev started no local Netlify Database (set DATABASE_URL)',
      migrations: 'not applied',
    };
  }
  return {
    database: `Netlify Database, netlify dev's local one (data in .netlify/db) at ${maskCredentials(url)}`,
    migrations: await migrateLocal(url),
  };
}
