import type { Env } from '@app/env';
import { newErrorId } from './error-id.ts';
import type { LogFields } from './logger.ts';
import { configureLogger, flushRequestLog, log } from './logger.ts';
import { ReportGate } from './report-gate.ts';
import { currentScope } from './request-scope.ts';
import { loadSentry, setRedactedSecrets } from './sentry-client.ts';

/** Longest a flush may take; it runs after the response (waitUntil), never in front of it. */
const FLUSH_TIMEOUT_MS = 2_000;

const pending = new Set<Promise<unknown>>();
let reporting: { env: Env; release: string } | undefined;

/** Set by `withObservability` once the environment and the release are known. */
export function setReportingEnv(env: Env, release: string): void {
  reporting = { env, release };
  setRedactedSecrets(env.secrets);
  configureLogger({
    forward: env.SENTRY_DSN === undefined && env.SENTRY_SPOTLIGHT === undefined ? undefined : sendLog,
  });
}

/** Flushes whatever the SDK holds (a finished transaction) after the response. */
export function flushInBackground(): void {
  inBackground(() => {});
}

/**
 * Sends after the response — through the platform's `waitUntil` inside a request — and keeps the
 * send in `pending` for `flushObservability`. `work` gets the SDK, loaded on first use.
 */
function inBackground(work: (Sentry: typeof import('@sentry/node')) => void): void {
  const sentry = reporting === undefined ? undefined : loadSentry(reporting.env, reporting.release);
  if (sentry === undefined) return;
  const report = sentry
    .then((Sentry) => {
      work(Sentry);
      return Sentry.flush(FLUSH_TIMEOUT_MS);
    })
    .catch(() => {
      // Reporting must never break the request; the log line already has what happened.
    });
  pending.add(report);
  void report.finally(() => pending.delete(report));
  currentScope()?.waitUntil?.(report);
}

/**
 * A `warn` or `error` line (already redacted) as a Sentry Log, with the request id: the first
 * such line of an instance loads the SDK, as a captured error does; a request that neither warns
 * nor fails never does.
 */
function sendLog(level: 'warn' | 'error', message: string, fields: LogFields): void {
  const requestId = currentScope()?.tags.requestId;
  inBackground((Sentry) => {
    Sentry.logger[level](message, { ...fields, ...(requestId ? { requestId } : {}) });
  });
}

export interface CaptureContext {
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
  level?: 'error' | 'warning' | 'fatal';
  /** Reuse an id already shown to the user. */
  errorId?: string;
  /**
   * Send at most one Sentry event per `throttle` key per instance per minute (the log line is
   * always written). For errors that arrive in floods, such as a database that is down.
   */
  throttle?: string;
}

const gate = new ReportGate();

/**
 * Reports an error: one log line (`error`, or `warn` for level `warning`) with its `errorId` (no
 * stack, no cause: those may hold driver text) and a Sentry event with the request's breadcrumbs,
 * tags and user. Sending happens in the background — via the platform's `waitUntil` inside a
 * request — so the caller never waits on Sentry. Returns the `errorId`.
 */
export function captureError(error: unknown, context: CaptureContext = {}): string {
  const errorId = context.errorId ?? newErrorId();
  const scope = currentScope();
  // Copied before the log line below adds itself as a breadcrumb.
  const breadcrumbs = [...(scope?.breadcrumbs ?? [])];
  const name = error instanceof Error ? error.name : 'NonError';
  const message = error instanceof Error ? error.message : String(error);
  const level = context.level ?? 'error';
  const admitted = context.throttle === undefined ? { report: true, heldBack: 0 } : gate.admit(context.throttle);
  const fields = { errorId, ...context.tags, ...(context.throttle ? { sinceLastReport: admitted.heldBack } : {}) };
  // A 5xx: the lines the request kept back below the level are printed before the one that says so.
  flushRequestLog();
  if (level === 'warning') log.warn(`${name}: ${message}`, fields);
  else log.error(`${name}: ${message}`, fields);
  if (!admitted.report) return errorId;

  inBackground((Sentry) => {
    Sentry.withIsolationScope((isolation) => {
      isolation.setTag('errorId', errorId);
      isolation.setTags({ ...scope?.tags, ...context.tags });
      if (scope?.user) isolation.setUser({ ...scope.user });
      for (const breadcrumb of breadcrumbs) isolation.addBreadcrumb(breadcrumb);
      const extra = context.throttle ? { ...context.extra, heldBackSinceLastReport: admitted.heldBack } : context.extra;
      Sentry.captureException(error, { level, extra });
    });
  });
  return errorId;
}

/** Waits (bounded) for every report still being sent: for scripts, tests and shutdown. */
export async function flushObservability(timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
  await Promise.race([Promise.allSettled([...pending]), new Promise((done) => setTimeout(done, timeoutMs).unref())]);
}
