import diagnostics_channel from 'node:diagnostics_channel';
import type { Env } from '@app/env';
import { flushInBackground } from './capture.ts';
import { redactString } from './redact.ts';
import { currentScope } from './request-scope.ts';
import { loadSentry } from './sentry-client.ts';

type Sentry = typeof import('@sentry/node');
type Span = ReturnType<Sentry['startInactiveSpan']>;

/** The channel @app/db traces every statement on (packages/db/src/database.ts), by name: no import. */
const QUERY_CHANNEL = 'app:db:query';

/** `select`, `insert into proposals`, …: a span name with no values (parameters are never in the text). */
function querySummary(text: string): string {
  const words = text.trim().split(/\s+/);
  const verb = (words[0] ?? 'query').toLowerCase();
  const table = /\b(?:from|into|update)\s+("?[\w.]+"?)/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}

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

export interface RequestTrace {
  finish(status: number): void;
}

/**
 * With `SENTRY_TRACES_SAMPLE_RATE` above 0: the SDK is loaded before the handler runs (on an
 * instance's first request: that is the price of tracing, measured by `pnpm bench`), and the request
 * becomes a transaction — sampled at that rate — holding a span per database query. Sent after the
 * response, like an error. Off (0, the default): undefined, nothing loaded.
 */
export async function startRequestTrace(
  env: Env,
  release: string,
  request: Request,
): Promise<RequestTrace | undefined> {
  if (env.SENTRY_TRACES_SAMPLE_RATE <= 0) return undefined;
  const loading = loadSentry(env, release);
  if (loading === undefined) return undefined;
  // A tracing failure must not fail the request.
  const Sentry = await loading.catch(() => undefined);
  if (Sentry === undefined) return undefined;
  traceQueries(Sentry);
  // Redacted here, not only in beforeSendSpan: the name also travels in every envelope's trace
  // header (the dynamic sampling context), which the SDK builds from the span before that hook runs.
  const path = redactString(new URL(request.url).pathname, env.secrets);
  const span = Sentry.startInactiveSpan({
    name: `${request.method} ${path}`,
    op: 'http.server',
    forceTransaction: true,
    attributes: { 'http.request.method': request.method, 'url.path': path },
  });
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
