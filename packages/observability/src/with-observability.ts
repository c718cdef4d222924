import type { Env, PlatformContext } from '@app/env';
import { EnvValidationError, formatProblems, getEnv } from '@app/env';
import { captureError, setReportingEnv } from './capture.ts';
import { newErrorId } from './error-id.ts';
import { errorResponse, statusOf } from './error-response.ts';
import { configureLogger, log } from './logger.ts';
import type { RequestScope } from './request-scope.ts';
import { addBreadcrumb, runInRequestScope } from './request-scope.ts';

/** The parts of Netlify's v2 `context` this wrapper uses; all optional so tests can pass `{}`. */
export interface FunctionContext extends PlatformContext {
  waitUntil?: (promise: Promise<unknown>) => void;
  requestId?: string;
}

export type Handler<C extends FunctionContext = FunctionContext> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a v2 function: validates the environment, opens a per-request scope (breadcrumbs, user),
 * turns every thrown error into the standard error body with the right status, reports 5xx errors
 * with an `errorId`, and records one request breadcrumb and log line (method, path, status,
 * duration — never bodies, query strings, tokens or cookies).
 */
export function withObservability<C extends FunctionContext>(handler: Handler<C>): Handler<C> {
  return async function observedHandler(request, context) {
    const started = performance.now();
    const scope: RequestScope = {
      breadcrumbs: [],
      tags: context?.requestId ? { requestId: context.requestId } : {},
      waitUntil: typeof context?.waitUntil === 'function' ? context.waitUntil.bind(context) : undefined,
    };
    return runInRequestScope(scope, async () => {
      const path = new URL(request.url).pathname;
      addBreadcrumb(`${request.method} ${path}`, 'http', 'info');
      let response: Response;
      try {
        const env: Env = getEnv(context);
        configureLogger({ level: env.logLevel, json: env.deployContext !== 'dev', secrets: env.secrets });
        setReportingEnv(env);
        response = await handler(request, context);
      } catch (error) {
        const status = statusOf(error);
        // Recorded before the report so the Sentry event shows how the request ended.
        addBreadcrumb(`${request.method} ${path} failed`, 'http', status >= 500 ? 'error' : 'warning', {
          status,
          durationMs: Math.round(performance.now() - started),
        });
        response = answerError(error, status);
      }
      log.info(`${request.method} ${path} ${response.status} ${Math.round(performance.now() - started)}ms`);
      return withApiHeaders(response, request.method);
    });
  };
}

function answerError(error: unknown, status: number): Response {
  if (error instanceof EnvValidationError) {
    // Nothing from the environment can be trusted, Sentry's DSN included: the log has it all.
    configureLogger({ level: 'warn', json: true });
    const errorId = newErrorId();
    log.error(`${error.message.split('\n')[0]}\n${formatProblems(error.problems)}`, { errorId });
    return errorResponse(error, errorId);
  }
  if (status < 500) {
    log.debug(`answered ${status}`, { error: error instanceof Error ? error.name : 'NonError' });
    return errorResponse(error);
  }
  if (status === 503) {
    // A dependency is down: the caller is told to retry, and on-call gets a warning, not a flood of
    // errors — one Sentry event per kind per instance per minute, each line still logged at warn.
    const kind = (error as { code?: unknown }).code;
    return errorResponse(error, captureError(error, { level: 'warning', throttle: `503:${String(kind)}` }));
  }
  return errorResponse(error, captureError(error, { level: 'error' }));
}

/**
 * Headers every API answer carries: no MIME sniffing of JSON, no caching unless a handler chose a
 * policy, and no body on HEAD (handlers answer HEAD as GET).
 */
function withApiHeaders(response: Response, method: string): Response {
  response.headers.set('X-Content-Type-Options', 'nosniff');
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  if (method !== 'HEAD' || response.body === null) return response;
  return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
}
