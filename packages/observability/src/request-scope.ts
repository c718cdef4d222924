import { AsyncLocalStorage } from 'node:async_hooks';

export type BreadcrumbLevel = 'debug' | 'info' | 'warning' | 'error';

export interface Breadcrumb {
  message: string;
  category: string;
  level: BreadcrumbLevel;
  timestamp: number;
  data?: Record<string, unknown>;
}

export interface RequestUser {
  id: string;
  email?: string;
  username?: string;
}

/** A line below the level, kept (redacted) in case the request fails (logger.ts). */
export interface BufferedLine {
  level: 'info' | 'debug';
  /** `Date.now()` when it was written: formatted only if it is ever printed. */
  time: number;
  message: string;
  fields: Record<string, unknown>;
  bytes: number;
}

/** What every log line of one request carries, and the lines kept back for a failure. */
export interface RequestLog {
  /** Netlify's request id (`x-nf-request-id`), also the Sentry event's `requestId` tag. */
  requestId?: string;
  function: string;
  /** The first request of this instance. */
  coldStart: boolean;
  /** `LOG_SAMPLE_RATE` chose this request: every line prints, at debug. */
  sampled: boolean;
  buffer: BufferedLine[];
  bufferedBytes: number;
  /** Lines dropped from the buffer (oldest first) past its bounds. */
  dropped: number;
}

/** What one request collects on its way: handed to Sentry only if an error is captured. */
export interface RequestScope {
  breadcrumbs: Breadcrumb[];
  tags: Record<string, string>;
  user?: RequestUser;
  /** The platform's `context.waitUntil`: lets the Sentry flush finish after the response. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** The request's Sentry transaction, when tracing is on (tracing.ts); query spans hang under it. */
  span?: unknown;
  /** Set by `withObservability`: what each log line of the request carries. */
  log?: RequestLog;
}

const MAX_BREADCRUMBS = 50;
const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Records a breadcrumb on the current request (no-op outside one); it reaches Sentry with an error. */
export function addBreadcrumb(
  message: string,
  category = 'app',
  level: BreadcrumbLevel = 'info',
  data?: Record<string, unknown>,
): void {
  const scope = storage.getStore();
  if (scope === undefined) return;
  scope.breadcrumbs.push({ message, category, level, timestamp: Date.now() / 1000, data });
  if (scope.breadcrumbs.length > MAX_BREADCRUMBS) scope.breadcrumbs.shift();
}

/**
 * Sets the user for errors captured in this request. Only the id is kept unless `includePii` is
 * set explicitly: email and name are personal data (`sendDefaultPii` stays off too).
 */
export function setUser(user: RequestUser, { includePii = false } = {}): void {
  const scope = storage.getStore();
  if (scope === undefined) return;
  scope.user = includePii ? { ...user } : { id: user.id };
}
