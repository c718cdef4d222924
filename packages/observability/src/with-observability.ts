import type { Env } from '@app/env';
import { EnvValidationError, formatProblems, getEnv } from '@app/env';
import { errorResponse, HttpError, MisconfiguredError, statusOf, ValidationError, withApiHeaders } from '@app/http';
import { captureError } from './capture.ts';
import { configureForInvalidEnvironment, configureObservability } from './configure.ts';
import { newErrorId } from './error-id.ts';
import { log, ValueFreeText } from './logger.ts';
import { redactString } from './redact.ts';
import type { ReleaseContext } from './release.ts';
import { releaseOf } from './release.ts';
import type { RequestLog, RequestScope } from './request-scope.ts';
import { addBreadcrumb, runInRequestScope } from './request-scope.ts';
import type { RequestTrace } from './tracing.ts';
import { startRequestTrace } from './tracing.ts';

/** The parts of Netlify's v2 `context` this wrapper uses; all optional so tests can pass `{}`. */
export interface FunctionContext extends ReleaseContext {
  waitUntil?: (promise: Promise<unknown>) => void;
  requestId?: string;
}

/** What a wrapped handler is handed, resolved once per request. */
export interface RequestContext<C extends FunctionContext = FunctionContext> {
  /** The validated environment for this request's deploy context. */
  env: Env;
  /** Netlify's own `context`, for what only the platform knows (the deploy id, geo, cookies). */
  platform: C;
}

/** A Netlify v2 function as the platform calls it. */
export type Handler<C extends FunctionContext = FunctionContext> = (request: Request, context: C) => Promise<Response>;

/** A function as this project writes it: the wrapper hands it the request's context. */
export type AppHandler<C extends FunctionContext = FunctionContext> = (
  request: Request,
  context: RequestContext<C>,
) => Promise<Response>;

/**
 * Wraps a v2 function: resolves and validates the environment once, hands the handler
 * `{ env, platform }`, opens a per-request scope (breadcrumbs, user), turns every thrown error
 * into the standard error body with the right status, reports 5xx errors with an `errorId`, and
 * records one request breadcrumb and log line (method, path, status, duration — never bodies,
 * query strings, tokens or cookies).
 */
export function withObservability<C extends FunctionContext>(handler: AppHandler<C>): Handler<C> {
  // `async function debugError` → `debug-error`: the function's name in every log line.
  const name = handler.name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`) || 'function';
  let served = 0;
  return async function observedHandler(request, platform) {
    const started = performance.now();
    const requestId = platform?.requestId;
    const scope: RequestScope = {
      breadcrumbs: [],
      tags: requestId ? { requestId } : {},
      waitUntil: typeof platform?.waitUntil === 'function' ? platform.waitUntil.bind(platform) : undefined,
      log: newRequestLog(name, requestId, served === 0),
    };
    served += 1;
    return runInRequestScope(scope, async () => {
      // Redacted before it becomes a breadcrumb, a log line or a span name: a path is the caller's text.
      const path = redactString(new URL(request.url).pathname);
      addBreadcrumb(`${request.method} ${path}`, 'http', 'info');
      let response: Response;
      let trace: RequestTrace | undefined;
      try {
        const env: Env = getEnv(platform);
        const release = releaseOf(env, platform);
        configureObservability(env, release);
        if (scope.log && env.LOG_SAMPLE_RATE > 0) scope.log.sampled = Math.random() < env.LOG_SAMPLE_RATE;
        log.debug(`${request.method} ${path} started`, { userAgent: request.headers.get('user-agent') ?? undefined });
        const tracing = startRequestTrace(env, release, request);
        if (tracing !== undefined) trace = await tracing;
        response = await handler(request, { env, platform });
      } catch (error) {
        const status = statusOf(error);
        // Recorded before the report so the Sentry event shows how the request ended.
        addBreadcrumb(`${request.method} ${path} failed`, 'http', status >= 500 ? 'error' : 'warning', {
          status,
          durationMs: Math.round(performance.now() - started),
        });
        response = answerError(error, status, request.method === 'POST' || request.method === 'PATCH');
      }
      log.info(`${request.method} ${path} ${response.status} ${Math.round(performance.now() - started)}ms`);
      trace?.finish(response.status);
      return withApiHeaders(response, request.method);
    });
  };
}

function newRequestLog(name: string, requestId: string | undefined, coldStart: boolean): RequestLog {
  return { requestId, function: name, coldStart, sampled: false, buffer: [], bufferedBytes: 0, dropped: 0 };
}

function answerError(error: unknown, status: number, write: boolean): Response {
  if (error instanceof EnvValidationError) {
    configureForInvalidEnvironment();
    const errorId = newErrorId();
    // Names and rules only (EnvProblem never carries a value): printed as written, not redacted.
    log.error(new ValueFreeText(`${error.message.split('\n')[0]}\n${formatProblems(error.problems)}`), { errorId });
    return errorResponse(new MisconfiguredError('Invalid environment', { cause: error }), errorId);
  }
  if (status < 500) {
    const fields = error instanceof ValidationError ? { invalid: error.details.map((detail) => detail.path) } : {};
    log.debug(`answered ${status}`, { error: error instanceof Error ? error.name : 'NonError', ...fields });
    return errorResponse(error);
  }
  if (status === 503) {
    // A dependency is down: the caller is told to retry, and on-call gets a warning, not a flood of
    // errors — one Sentry event per kind per instance per minute, each line still logged at warn.
    // Each cause of its own (a refused password is not a busy pool): its own `reason` tag and gate.
    const reason = (error as { reason?: unknown }).reason;
    const tags = typeof reason === 'string' ? { reason } : undefined;
    const kind = error instanceof HttpError ? [error.code, reason].filter(Boolean).join(':') : 'unknown';
    return errorResponse(error, captureError(error, { level: 'warning', throttle: `503:${kind}`, tags }), { write });
  }
  return errorResponse(error, captureError(error, { level: 'error' }));
}
