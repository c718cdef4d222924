import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { formatProblems, validateEnv } from '@app/env';
import { recordInDevLock } from '@app/stack/dev-lock';
import { answerUnparsableRequest } from '@app/stack/edge-rules';
import { answerWithError } from '@app/stack/front-door';
import type { LocalServer } from '@app/stack/local-server';
import { runLocalServer } from '@app/stack/local-server';
import type { DatabasePath } from './database-path.ts';
import { startDatabasePath } from './database-path.ts';
import { FunctionInstances } from './function-instances.ts';
import { collectStats, createServeHandler, formatStats, statsPath } from './serve-handler.ts';
import { buildZips, unpackZips } from './zips.ts';

export type { ServeStats } from './serve-handler.ts';
export { collectStats, formatStats, statsPath } from './serve-handler.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** The deploy context the functions see (`context.deploy.context`). */
  context: 'production' | 'deploy-preview' | 'branch-deploy';
  /** Per function. */
  maxInstances: number;
  /** Per function: requests waiting for an instance past which more are refused (429). */
  maxQueue: number;
  /** A request waiting this long for an instance gets 503 with `Retry-After`. */
  queueTimeoutMs: number;
  retireAfterMs: number;
  timeoutMs: number;
  /** Run `netlify build` first. */
  build: boolean;
  /** Print the instances' own log lines. */
  quiet: boolean;
  /** PgBouncer with Neon's pooler settings in front of a local database (when installed). */
  pooler: boolean;
}

/**
 * `pnpm serve`: the zips `pnpm build` makes, served at the same URLs as `pnpm dev` the way Netlify
 * runs them — each request as a Lambda event through the zip's own entry point (serve-handler.ts),
 * in instances that are separate Node processes, reused warm, frozen between requests and retired
 * when idle (function-instances.ts), against the database as production reaches it (database-path.ts).
 */
export function runServe(options: ServeOptions): Promise<void> {
  const pools = new Map<string, FunctionInstances>();
  const printStats = () => console.log(`\n${formatStats(collectStats(pools))}`);
  process.on('SIGUSR2', printStats);
  return runLocalServer(
    { command: 'serve', port: options.port, host: options.host, beforeStop: printStats },
    async (server) => {
      if (options.build) await buildZips('pipe');
      const unpacked = await unpackZips();
      if (unpacked.size === 0) throw new Error('no function zips in .netlify/functions: run `pnpm build` first');
      const database = await startDatabasePath({
        pooler: options.pooler,
        guard: (child) => server.lifeline.guard(child),
      });
      for (const stop of database.stops) server.onStop(stop);
      const tokenNote = ensureApiToken();
      warnAboutEnvironment(options.context, database);
      const siteUrl = `http://localhost:${options.port}`;
      const env = { ...instanceEnvironment(siteUrl), ...database.instanceEnv };
      for (const [name, directory] of unpacked) pools.set(name, startInstances(server, options, name, directory, env));
      const deploy = {
        context: options.context,
        id: `local-${Date.now().toString(36)}`,
        branch: 'local',
        siteId: 'local',
      };
      const handle = createServeHandler({ pools, database, deploy, siteUrl });
      const http = createServer((request, response) => {
        // What edge-rules.ts lets through and still throws is this emulator's bug, not the client's.
        handle(request, response).catch(() => answerWithError(response, 500, 'serve_failed', 'pnpm serve failed'));
      });
      http.on('clientError', answerUnparsableRequest);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, resolve);
      });
      server.onStop(() => new Promise((resolve) => http.close(() => resolve())));
      return [
        `The deployed functions are running as on Netlify (${options.context}):`,
        `  ${siteUrl}/api/health            health (also /.netlify/functions/health)`,
        '',
        `  functions       ${[...pools.keys()].join(', ')} — .netlify/functions/*.zip, each through its own entry point`,
        `  instances       up to ${options.maxInstances} per function, frozen between requests, retired after ${options.retireAfterMs / 1000} s idle`,
        `  queue           ${options.maxQueue} more than the instances per function in flight (then 429), each waiting at most ${options.queueTimeoutMs / 1000} s (then 503)`,
        `  database        ${database.description}`,
        `  migrations      ${database.migrations}`,
        `  writes          ${tokenNote}`,
        `  stats           ${siteUrl}${statsPath} (also printed on exit and on SIGUSR2)`,
      ];
    },
  );
}

function startInstances(
  server: LocalServer,
  options: ServeOptions,
  name: string,
  directory: string,
  env: Record<string, string>,
): FunctionInstances {
  const pool = new FunctionInstances({
    name,
    directory,
    env: { ...env, AWS_LAMBDA_FUNCTION_NAME: name, LAMBDA_TASK_ROOT: directory },
    maxInstances: options.maxInstances,
    maxWaiting: options.maxQueue,
    maxWaitMs: options.queueTimeoutMs,
    retireAfterMs: options.retireAfterMs,
    timeoutMs: options.timeoutMs,
    log: options.quiet ? () => {} : (line: string) => console.log(line),
    onStart: (child) => server.lifeline.guard(child),
  });
  server.onStop(() => pool.stop());
  return pool;
}

/** Deployed contexts refuse the public dev token: one made up for the session unless the shell or .env has one. */
function ensureApiToken(): string {
  if (process.env.API_TOKEN) return 'API_TOKEN from the environment';
  process.env.API_TOKEN = randomBytes(24).toString('base64url');
  recordInDevLock({ apiToken: process.env.API_TOKEN });
  return `Authorization: Bearer ${process.env.API_TOKEN} (made up for this session; \`pnpm load\` finds it)`;
}

/** Served anyway, as Netlify would deploy it: the functions answer 503 `misconfigured`. */
function warnAboutEnvironment(context: ServeOptions['context'], database: DatabasePath): void {
  const report = validateEnv(process.env, context, {
    providedAtRuntime: database.eventDatabaseUrl() === undefined ? [] : ['NETLIFY_DB_URL'],
  });
  if (report.errors.length > 0) {
    console.warn(`[env] the functions will refuse this environment as ${context}:\n${formatProblems(report.errors)}`);
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
