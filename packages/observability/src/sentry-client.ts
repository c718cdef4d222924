import type { Env } from '@app/env';
import { redact } from './redact.ts';

type Sentry = typeof import('@sentry/node');

let loading: Promise<Sentry> | undefined;

/**
 * The Sentry SDK, imported and initialised on the first captured error rather than at cold start:
 * importing `@sentry/node` costs ~150 ms (FACTS.md), more than the rest of a function's cold start.
 * Requests that do not fail never pay it. Returns undefined when neither a DSN nor Spotlight is set.
 */
export function loadSentry(env: Env): Promise<Sentry> | undefined {
  if (env.SENTRY_DSN === undefined && env.SENTRY_SPOTLIGHT === undefined) return undefined;
  loading ??= import('@sentry/node').then((Sentry) => {
    Sentry.initWithoutDefaultIntegrations({
      dsn: env.SENTRY_DSN,
      environment: env.deployContext,
      release: env.COMMIT_REF,
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
      beforeSend: (event) => redact(event, env.secrets),
      beforeBreadcrumb: (breadcrumb) => redact(breadcrumb, env.secrets),
    });
    return Sentry;
  });
  return loading;
}

function spotlightUrl(env: Env): string | undefined {
  const value = env.SENTRY_SPOTLIGHT;
  return value !== undefined && /^https?:\/\//.test(value) ? value : undefined;
}
