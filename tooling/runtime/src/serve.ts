import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { formatProblems, validateEnv } from '@app/env';
import { devLockHolder, recordInDevLock, takeDevLock } from '@app/stack/dev-lock';
import { loadDotEnv } from '@app/stack/dot-env';
import { isPortFree } from '@app/stack/free-port';
import { answerWithError, readBodyOr413 } from '@app/stack/front-door';
import { startLifeline } from '@app/stack/lifeline';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { RedirectsHandler } from '@netlify/redirects';
import { netlifyDbUrlPath, startDatabasePath } from './database-path.ts';
import type { FunctionStats, ResponseSink } from './function-instances.ts';
import { FunctionInstances } from './function-instances.ts';
import { toLambdaEvent } from './lambda-event.ts';
import { buildZips, unpackZips } from './zips.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** The deploy context the functions see (`context.deploy.context`). */
  context: 'production' | 'deploy-preview' | 'branch-deploy';
  /** Per function. */
  maxInstances: number;
  retireAfterMs: number;
  timeoutMs: number;
  /** Run `netlify build` first. */
  build: boolean;
  /** Print the instances' own log lines. */
  quiet: boolean;
  /** PgBouncer with Neon's pooler settings in front of a local database (when installed). */
  pooler: boolean;
}

/** Where `pnpm serve` answers what it did: instances, cold starts, requests per instance. */
export const statsPath = '/.netlify/serve/stats';

export interface ServeStats {
  functions: FunctionStats[];
  coldStarts: number;
  invocations: number;
}

const functionsPrefix = '/.netlify/functions/';

/**
 * `pnpm serve`: the zips `pnpm build` makes, served at the same URLs as `pnpm dev` the way Netlify
 * runs them — each request as a Lambda event through the zip's own entry point, in instances that
 * are separate Node processes, reused warm, frozen between requests and retired when idle
 * (function-instances.ts). Routing is Netlify's own redirect engine reading netlify.toml.
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const holder = devLockHolder();
  if (holder !== undefined) {
    console.error(
      `[serve] pnpm ${holder.command ?? 'dev'} is already running in this checkout (pid ${holder.pid}, http://localhost:${holder.port}); stop it first`,
    );
    process.exit(1);
  }
  if (!(await isPortFree(options.port, options.host))) {
    console.error(
      `[serve] port ${options.port} is already in use on ${options.host}; stop what holds it or pass --port`,
    );
    process.exit(1);
  }
  const releaseLock = takeDevLock(options.port, 'serve');
  const lifeline = startLifeline();
  loadDotEnv();

  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<never> | undefined;
  const pools = new Map<string, FunctionInstances>();
  function stopAll(code: number): Promise<never> {
    stopping ??= (async () => {
      console.log(`\n${formatStats(collectStats(pools))}`);
      for (const stop of stops.reverse()) await stop().catch(() => {});
      releaseLock();
      process.exit(code);
    })();
    return stopping;
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
  process.on('SIGUSR2', () => console.log(formatStats(collectStats(pools))));
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error) => {
      console.error('[serve] stopping after an unexpected error:', error instanceof Error ? error.message : error);
      void stopAll(1);
    });
  }

  try {
    if (options.build) await buildZips('pipe');
    const unpacked = await unpackZips();
    if (unpacked.size === 0) throw new Error('no function zips in .netlify/functions: run `pnpm build` first');
    const [firstDir] = unpacked.values();
    if (firstDir) stops.push(() => rm(dirname(firstDir), { recursive: true, force: true }));

    const database = await startDatabasePath({ pooler: options.pooler, guard: (child) => lifeline.guard(child) });
    stops.push(...database.stops);

    // Deployed contexts refuse the public dev token: a session token unless the shell or .env has one.
    let tokenNote = 'API_TOKEN from the environment';
    if (!process.env.API_TOKEN) {
      process.env.API_TOKEN = randomBytes(24).toString('base64url');
      recordInDevLock({ apiToken: process.env.API_TOKEN });
      tokenNote = `Authorization: Bearer ${process.env.API_TOKEN} (made up for this session; \`pnpm load\` finds it)`;
    }
    const report = validateEnv(process.env, options.context, {
      providedAtRuntime: database.eventDatabaseUrl() === undefined ? [] : ['NETLIFY_DB_URL'],
    });
    if (report.errors.length > 0) {
      // Served anyway, as Netlify would deploy it: the functions answer 503 `misconfigured`.
      console.warn(
        `[env] the functions will refuse this environment as ${options.context}:\n${formatProblems(report.errors)}`,
      );
    }

    const siteUrl = `http://localhost:${options.port}`;
    const env = { ...instanceEnvironment(siteUrl), ...database.instanceEnv };
    const log = options.quiet ? () => {} : (line: string) => console.log(line);
    for (const [name, directory] of unpacked) {
      const pool = new FunctionInstances({
        name,
        directory,
        env: { ...env, AWS_LAMBDA_FUNCTION_NAME: name, LAMBDA_TASK_ROOT: directory },
        maxInstances: options.maxInstances,
        retireAfterMs: options.retireAfterMs,
        timeoutMs: options.timeoutMs,
        log,
        onStart: (child) => lifeline.guard(child),
      });
      pools.set(name, pool);
      stops.push(() => pool.stop());
    }

    const redirects = new RedirectsHandler({
      configPath: join(repositoryRoot, 'netlify.toml'),
      configRedirects: [],
      jwtRoleClaim: '',
      jwtSecret: '',
      projectDir: repositoryRoot,
    });
    const deploy = {
      context: options.context,
      id: `local-${Date.now().toString(36)}`,
      branch: 'local',
      siteId: 'local',
    };

    async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
      const url = request.url ?? '/';
      if (url === statsPath) {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        response.end(JSON.stringify(collectStats(pools)));
        return;
      }
      if (url === netlifyDbUrlPath) return database.changeNetlifyDbUrl(request, response);
      const body = await readBodyOr413(request, response);
      if (body === undefined) return;
      const requestUrl = new URL(url, siteUrl);
      let path = requestUrl.pathname;
      const match = await redirects.match(new Request(requestUrl));
      if (match && match.statusCode === 200 && !match.external) path = match.target.pathname;
      const name = path.startsWith(functionsPrefix) ? path.slice(functionsPrefix.length).split('/')[0] : undefined;
      const pool = name === undefined ? undefined : pools.get(name);
      if (pool === undefined) return answerWithError(response, 404, 'not_found', 'No function serves this path');

      const event = toLambdaEvent({
        method: request.method ?? 'GET',
        url,
        headers: request.headers,
        body,
        clientIp: request.socket.remoteAddress ?? '127.0.0.1',
        deploy,
        netlifyDBURL: database.eventDatabaseUrl(),
      });
      await pool.invoke(event, toSink(response));
    }

    const server = createServer((request, response) => {
      handle(request, response).catch(() => answerWithError(response, 502, 'bad_gateway', 'pnpm serve failed'));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, resolve);
    });
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
    console.log(
      [
        '',
        `The deployed functions are running as on Netlify (${options.context}):`,
        `  ${siteUrl}/api/health            health (also /.netlify/functions/health)`,
        '',
        `  functions       ${[...pools.keys()].join(', ')} — .netlify/functions/*.zip, each through its own entry point`,
        `  instances       up to ${options.maxInstances} per function, frozen between requests, retired after ${options.retireAfterMs / 1000} s idle`,
        `  database        ${database.description}`,
        `  migrations      ${database.migrations}`,
        `  writes          ${tokenNote}`,
        `  stats           ${siteUrl}${statsPath} (also printed on exit and on SIGUSR2)`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    console.error('[serve] could not start:', error instanceof Error ? error.message : error);
    await stopAll(1);
  }
}

/**
 * What a function sees in its environment on Netlify: the site's variables (here the shell's and
 * .env's), Lambda's own, and Netlify's `SITE_*`/`URL` — but none of the build's (`CONTEXT`,
 * `COMMIT_REF`, `NETLIFY_DEV`), and no `NODE_OPTIONS` preloads.
 */
function instanceEnvironment(siteUrl: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(CONTEXT|COMMIT_REF|DEPLOY_ID|NETLIFY_DEV|NODE_OPTIONS|npm_.*)$/.test(name))
      env[name] = value;
  }
  return {
    ...env,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_REGION: 'us-east-2',
    SITE_ID: 'local',
    SITE_NAME: 'local',
    URL: siteUrl,
  };
}

function toSink(response: ServerResponse): ResponseSink {
  return {
    head(statusCode, headers) {
      // The bootstrap's `x-nf-*` headers are for Netlify's edge, which removes them.
      const visible = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('x-nf-')));
      response.writeHead(statusCode, visible);
    },
    chunk: (data) => response.write(data),
    end: () => response.end(),
    fail: (statusCode, message) =>
      answerWithError(response, statusCode, statusCode === 504 ? 'function_timeout' : 'function_failed', message),
  };
}

export function collectStats(pools: ReadonlyMap<string, FunctionInstances>): ServeStats {
  const functions = [...pools.values()].map((pool) => pool.stats());
  return {
    functions,
    coldStarts: functions.reduce((sum, f) => sum + f.coldStarts, 0),
    invocations: functions.reduce((sum, f) => sum + f.invocations, 0),
  };
}

export function formatStats({ functions }: ServeStats): string {
  const lines = ['function       instances  cold starts  peak  retired  crashed  requests  requests per instance'];
  for (const f of functions) {
    const perInstance = f.instances.map((instance) => instance.requests).join(' ');
    lines.push(
      `${f.name.padEnd(14)} ${String(f.live).padStart(9)}  ${String(f.coldStarts).padStart(11)}  ${String(f.peak).padStart(4)}  ${String(f.retired).padStart(7)}  ${String(f.crashed).padStart(7)}  ${String(f.invocations).padStart(8)}  ${perInstance || '-'}`,
    );
  }
  return lines.join('\n');
}
