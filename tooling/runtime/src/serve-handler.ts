import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { edgeRefusal } from '@app/stack/edge-rules';
import { answerWithError, readBodyOr413 } from '@app/stack/front-door';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { RedirectsHandler } from '@netlify/redirects';
import type { DatabasePath } from './database-path.ts';
import { netlifyDbUrlPath } from './database-path.ts';
import type { FunctionInstances, FunctionStats, ResponseSink } from './function-instances.ts';
import type { DeployInfo } from './lambda-event.ts';
import { toLambdaEvent } from './lambda-event.ts';

/** Where `pnpm serve` answers what it did: instances, cold starts, requests per instance. */
export const statsPath = '/.netlify/serve/stats';

export interface ServeStats {
  functions: FunctionStats[];
  coldStarts: number;
  invocations: number;
}

export interface ServeHandlerOptions {
  /** Each function's instances, by name. */
  pools: ReadonlyMap<string, FunctionInstances>;
  database: Pick<DatabasePath, 'eventDatabaseUrl' | 'changeNetlifyDbUrl'>;
  deploy: DeployInfo;
  siteUrl: string;
}

const functionsPrefix = '/.netlify/functions/';

/**
 * `pnpm serve`'s HTTP side as a function of a request and a response, apart from the server that
 * listens (netlify/cli's `createHandler` habit): its own two paths (stats, the database URL), then
 * what Netlify's edge refuses (edge-rules.ts: 405 for TRACE and the like, 400 for a path that is
 * not percent-encoding or a malformed Host), then Netlify's redirect engine reading netlify.toml,
 * then the request as a Lambda event to the function's instances (which bound how many wait: 429,
 * 503). A body over 6 MB gets 413, as at Netlify's edge.
 */
export function createServeHandler({ pools, database, deploy, siteUrl }: ServeHandlerOptions) {
  const redirects = new RedirectsHandler({
    configPath: join(repositoryRoot, 'netlify.toml'),
    configRedirects: [],
    jwtRoleClaim: '',
    jwtSecret: '',
    projectDir: repositoryRoot,
  });
  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    if (url === statsPath) {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(collectStats(pools)));
      return;
    }
    if (url === netlifyDbUrlPath) return database.changeNetlifyDbUrl(request, response);
    const refusal = edgeRefusal(request);
    if (refusal) return answerWithError(response, refusal.status, refusal.code, refusal.message, refusal.headers);
    const requestUrl = new URL(url, siteUrl);
    const match = await redirects.match(new Request(requestUrl));
    const path = match && match.statusCode === 200 && !match.external ? match.target.pathname : requestUrl.pathname;
    const name = path.startsWith(functionsPrefix) ? path.slice(functionsPrefix.length).split('/')[0] : undefined;
    const pool = name === undefined ? undefined : pools.get(name);
    if (pool === undefined) return answerWithError(response, 404, 'not_found', 'No function serves this path');
    const incoming = {
      readBody: () => readBodyOr413(request, response),
      toEvent: (body: Buffer) =>
        toLambdaEvent({
          method: request.method ?? 'GET',
          url,
          headers: request.headers,
          body,
          clientIp: request.socket.remoteAddress ?? '127.0.0.1',
          deploy,
          netlifyDBURL: database.eventDatabaseUrl(),
        }),
    };
    await pool.invoke(incoming, toSink(response));
  };
}

/** Netlify's codes for a function that did not answer, and for a request no instance was free for. */
const failureCodes = { 429: 'too_many_requests', 502: 'function_failed', 503: 'busy', 504: 'function_timeout' };

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
      answerWithError(
        response,
        statusCode,
        failureCodes[statusCode],
        message,
        statusCode === 429 || statusCode === 503 ? { 'Retry-After': '1' } : {},
      ),
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
