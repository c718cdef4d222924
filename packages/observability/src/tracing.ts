import diagnostics_channel from 'node:diagnostics_channel';
import type { Env } from '@app/env';
import { flushInBackground } from './capture.ts';
import { querySummary } from './query-summary.ts';
import { redactString } from './redact.ts';
import { currentScope } from './request-scope.ts';
import { loadSentry } from './sentry-client.ts';

type Sentry = typeof import('@sentry/node');
type Span = ReturnType<Sentry['startInactiveSpan']>;

/** The channel @app/db traces every statement on (packages/db/src/database.ts), by name: no import. */
const QUERY_CHANNEL = 'app:db:query';

let queriesTraced = false;

/** A span per statement under the request's transaction, from @app/db's tracing channel. */
function traceQueries(Sentry: Sentry): void {
  if (queriesTraced) return;
  queriesTraced = true;
  const spans = new WeakMap<object, Span>();
  diagnostics_channel.tracingChannel<unknown, { text: string }>(QUERY_CHANNEL).subscribe({
    start(context) {
      const parentSpan = currentScope()?.span as Span | undefined;
      if (parentSpan === undefined) return;
      spans.set(
        context,
        Sentry.startInactiveSpan({
          name: querySummary(context.text),
          op: 'db',
          parentSpan,
          attributes: { 'db.system.name': 'postgresql', 'db.query.text': context.text },
        }),
      );
    },
    error(context) {
      spans.get(context)?.setStatus({ code: 2, message: 'internal_error' });
    },
    asyncEnd(context) {
      spans.get(context)?.end();
    },
    end() {},
    asyncStart() {},
  });
}

/**
 * The caller's trace context: Sentry's `sentry-trace` and `baggage`, else W3C `traceparent`
 * (`00-<trace id>-<parent span id>-<flags>`), written as the `sentry-trace` it is equivalent to.
 */
export function incomingTrace(headers: Headers): { sentryTrace: string | undefined; baggage: string | undefined } {
  const baggage = headers.get('baggage') ?? undefined;
  const sentryTrace = headers.get('sentry-trace') ?? undefined;
  if (sentryTrace !== undefined) return { sentryTrace, baggage };
  const w3c = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(headers.get('traceparent')?.trim() ?? '');
  if (w3c === null) return { sentryTrace: undefined, baggage };
  const sampled = (Number.parseInt(w3c[3] as string, 16) & 1) === 1 ? '1' : '0';
  return { sentryTrace: `${w3c[1]}-${w3c[2]}-${sampled}`, baggage };
}

export interface RequestTrace {
  finish(status: number): void;
}

/**
 * With `SENTRY_TRACES_SAMPLE_RATE` above 0: the SDK is loaded before the handler runs (on an
 * instance's first request: that is the price of tracing, measured by `pnpm bench`), and the request
 * becomes a transaction — sampled at that rate — holding a span per database query. Sent after the
 * response, like an error. Off (0, the default): undefined at once, nothing loaded and nothing to
 * await on the warm path.
 */
export function startRequestTrace(
  env: Env,
  release: string,
  request: Request,
): Promise<RequestTrace | undefined> | undefined {
  if (env.SENTRY_TRACES_SAMPLE_RATE <= 0) return undefined;
  return traceRequest(env, release, request);
}

async function traceRequest(env: Env, release: string, request: Request): Promise<RequestTrace | undefined> {
  const loading = loadSentry(env, release);
  if (loading === undefined) return undefined;
  // A tracing failure must not fail the request.
  const Sentry = await loading.catch(() => undefined);
  if (Sentry === undefined) return undefined;
  traceQueries(Sentry);
  // Redacted here, not only in beforeSendSpan: the name also travels in every envelope's trace
  // header (the dynamic sampling context), which the SDK builds from the span before that hook runs.
  const path = redactString(new URL(request.url).pathname, env.secrets);
  // The caller's trace, when it sent one: its trace id, its span as parent, its sampling decision.
  const span = Sentry.continueTrace(incomingTrace(request.headers), () =>
    Sentry.startInactiveSpan({
      name: `${request.method} ${path}`,
      op: 'http.server',
      forceTransaction: true,
      attributes: { 'http.request.method': request.method, 'url.path': path },
    }),
  );
  const scope = currentScope();
  if (scope) scope.span = span;
  return {
    finish(status) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: 2, message: 'internal_error' });
      span.end();
      flushInBackground();
    },
  };
}
