import type { ClientRequest } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Env } from '@app/env';
import { redact } from './redact.ts';

type Sentry = typeof import('@sentry/node');

/**
 * Longest one envelope POST may take. The SDK's own transport has no deadline: an ingest that
 * accepts the connection and never answers (a black hole, a hung proxy) keeps the request — and so
 * the process or netlify dev's worker — alive indefinitely, one more per error. Past this, the
 * request is destroyed and the event is dropped (its log line, with the errorId, already exists).
 */
export const SEND_TIMEOUT_MS = 3_000;

/** `node:http`/`node:https` with a deadline on every request; given to the SDK's own transport. */
const boundedHttpModule = {
  request(options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): ClientRequest {
    const request = (options.protocol === 'https:' ? https : http).request(options, callback);
    request.setTimeout(SEND_TIMEOUT_MS, () => request.destroy(new Error('Sentry ingest did not answer in time')));
    return request;
  },
};

let loading: Promise<Sentry> | undefined;

/** The secrets of the environment of the request being served (`setReportingEnv` keeps it current). */
let redactedSecrets: readonly string[] = [];

export function setRedactedSecrets(secrets: readonly string[]): void {
  redactedSecrets = secrets;
}

/**
 * The Sentry SDK, imported and initialised on the first captured error rather than at cold start:
 * importing `@sentry/node` costs several times the rest of a cold start (docs/performance.md).
 * Requests that do not fail never pay it. Returns undefined when neither a DSN nor Spotlight is set.
 * Redaction reads `redactedSecrets` at each send: a rotated database password is redacted from then on.
 */
export function loadSentry(env: Env, release: string): Promise<Sentry> | undefined {
  if (env.SENTRY_DSN === undefined && env.SENTRY_SPOTLIGHT === undefined) return undefined;
  loading ??= import('@sentry/node').then((Sentry) => {
    Sentry.initWithoutDefaultIntegrations({
      dsn: env.SENTRY_DSN,
      // The SDK passes request options as an object with `protocol` (its transport's own code).
      transport: (options) => Sentry.makeNodeTransport({ ...options, httpModule: boundedHttpModule }),
      environment: env.deployContext,
      release,
      // v11's successor of `sendDefaultPii: false`: no user info, cookies, headers, bodies or query strings.
      dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false },
      // v2 functions are plain Request → Response: no OpenTelemetry auto-instrumentation needed.
      enableOpenTelemetrySetup: false,
      integrations: [
        Sentry.linkedErrorsIntegration(),
        Sentry.functionToStringIntegration(),
        ...(env.SENTRY_SPOTLIGHT === undefined ? [] : [Sentry.spotlightIntegration({ sidecarUrl: spotlightUrl(env) })]),
      ],
      maxBreadcrumbs: 50,
      beforeSend: (event) => redact(event, redactedSecrets),
      // Off (undefined) unless SENTRY_TRACES_SAMPLE_RATE is above 0 (tracing.ts).
      tracesSampleRate: env.SENTRY_TRACES_SAMPLE_RATE > 0 ? env.SENTRY_TRACES_SAMPLE_RATE : undefined,
      // Sentry 11 streams spans (`traceLifecycle: 'stream'`): they pass here, not `beforeSendTransaction`,
      // which it ignores (and warns about on every start).
      beforeSendSpan: (span) => redact(span, redactedSecrets),
      // Log lines arrive redacted already (logger.ts); this also covers attributes the SDK adds.
      beforeSendLog: (logItem) => redact(logItem, redactedSecrets),
      beforeBreadcrumb: (breadcrumb) => redact(breadcrumb, redactedSecrets),
    });
    return Sentry;
  });
  return loading;
}

function spotlightUrl(env: Env): string | undefined {
  const value = env.SENTRY_SPOTLIGHT;
  return value !== undefined && /^https?:\/\//.test(value) ? value : undefined;
}
