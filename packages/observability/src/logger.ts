import type { LogLevel } from '@app/env';
import { redact, redactString } from './redact.ts';
import type { BreadcrumbLevel, RequestLog } from './request-scope.ts';
import { addBreadcrumb, currentScope } from './request-scope.ts';

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const breadcrumbLevel: Record<LogLevel, BreadcrumbLevel> = {
  error: 'error',
  warn: 'warning',
  info: 'info',
  debug: 'debug',
};

export type LogFields = Record<string, unknown>;

/**
 * Text that holds no values — written by this project from names and rules only, such as the
 * environment's problem lines — printed as it is. The redactor would read `SENTRY_DSN: is required`
 * as a named secret and mangle the one line an operator fixes a deploy from.
 */
export class ValueFreeText {
  constructor(readonly text: string) {}
}

export type LogMessage = string | ValueFreeText;

export interface LoggerSettings {
  level: LogLevel;
  /** JSON lines for log search when deployed; readable lines in dev. */
  json: boolean;
  secrets: readonly string[];
  /** A field of every JSON line: which deploy wrote it (release.ts). */
  release?: string;
  /** A field of every line: the deploy context (`production`, `deploy-preview`, …). */
  context?: string;
  /**
   * Receives every `warn` and `error` line, redacted, whatever `level` prints: capture.ts sends
   * them to Sentry as Logs.
   */
  forward?: (level: 'warn' | 'error', message: string, fields: LogFields) => void;
}

/** A request keeps at most this much below the level, for its failure; the oldest lines go first. */
export const BUFFER_LIMITS = { lines: 100, bytes: 32 * 1024 };

let settings: LoggerSettings = { level: 'info', json: false, secrets: [] };

/** Applied once per validated environment (configure.ts), and by tests. */
export function configureLogger(next: Partial<LoggerSettings>): void {
  settings = { ...settings, ...next };
}

/** What every line of a request carries, so that one request's lines can be picked out of the log. */
function correlation(request: RequestLog | undefined): LogFields {
  const common = { release: settings.release, context: settings.context };
  if (request === undefined) return common;
  const { requestId, function: name, coldStart, sampled } = request;
  return { requestId, function: name, coldStart, ...common, ...(sampled ? { sampled: true } : {}) };
}

function print(level: LogLevel, time: string, message: string, fields: LogFields, request?: RequestLog): void {
  const context = correlation(request);
  // Readable in dev: the request's own fields only — release and context are the banner's, the same for every line.
  const devContext = { requestId: context.requestId, function: context.function, coldStart: context.coldStart };
  const line = settings.json
    ? JSON.stringify({ level, time, msg: message, ...context, ...fields })
    : `[${level}] ${message}${Object.entries({ ...fields, ...devContext })
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('')}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** About what a kept line weighs: its text and its fields' values (a bound, not an exact count). */
function weight(message: string, fields: LogFields): number {
  let bytes = message.length;
  for (const key in fields) {
    const value = fields[key];
    bytes += key.length + (typeof value === 'string' ? value.length : 16);
  }
  return bytes;
}

function keep(request: RequestLog, level: 'info' | 'debug', message: string, fields: LogFields): void {
  const bytes = weight(message, fields);
  request.buffer.push({ level, time: Date.now(), message, fields, bytes });
  request.bufferedBytes += bytes;
  while (request.buffer.length > BUFFER_LIMITS.lines || request.bufferedBytes > BUFFER_LIMITS.bytes) {
    request.bufferedBytes -= request.buffer.shift()?.bytes ?? 0;
    request.dropped += 1;
  }
}

/**
 * The current request's kept-back lines, printed — each marked `buffered` — before the line that
 * says it failed. Called for every error line and by `captureError` (every 5xx); then emptied.
 */
export function flushRequestLog(): void {
  const request = currentScope()?.log;
  if (request === undefined || (request.buffer.length === 0 && request.dropped === 0)) return;
  if (request.dropped > 0) {
    const limits = `${BUFFER_LIMITS.lines} lines, ${BUFFER_LIMITS.bytes / 1024} KiB`;
    print('info', new Date().toISOString(), `${request.dropped} earlier lines were dropped (${limits})`, {}, request);
  }
  for (const line of request.buffer) {
    print(line.level, new Date(line.time).toISOString(), line.message, { ...line.fields, buffered: true }, request);
  }
  request.buffer = [];
  request.bufferedBytes = 0;
  request.dropped = 0;
}

function write(level: LogLevel, logMessage: LogMessage, fields: LogFields = {}): void {
  const valueFree = logMessage instanceof ValueFreeText;
  const message = valueFree ? logMessage.text : logMessage;
  // Every line, printed or not, becomes a breadcrumb: the context Sentry shows next to an error.
  // It is recorded as is — Sentry's beforeSend redacts the whole event.
  addBreadcrumb(message, 'log', breadcrumbLevel[level], Object.keys(fields).length > 0 ? fields : undefined);
  const request = currentScope()?.log;
  const printed = rank[level] <= rank[request?.sampled ? 'debug' : settings.level];
  const forwarded = (level === 'warn' || level === 'error') && settings.forward !== undefined;
  // Below the level inside a request: kept for its failure (info and debug only ever land here).
  const kept = !printed && request !== undefined && (level === 'info' || level === 'debug');
  if (!printed && !forwarded && !kept) return;
  // Redacted before anything is printed, forwarded or kept.
  const safeMessage = valueFree ? message : redactString(message, settings.secrets);
  const safeFields = redact(fields, settings.secrets);
  if (forwarded) settings.forward?.(level as 'warn' | 'error', safeMessage, safeFields);
  if (kept) keep(request, level as 'info' | 'debug', safeMessage, safeFields);
  if (!printed) return;
  if (level === 'error') flushRequestLog();
  print(level, new Date().toISOString(), safeMessage, safeFields, request);
}

/** The project's logger: leveled, redacted, correlated to its request, and a breadcrumb source. */
export const log = {
  error: (message: LogMessage, fields?: LogFields) => write('error', message, fields),
  warn: (message: LogMessage, fields?: LogFields) => write('warn', message, fields),
  info: (message: LogMessage, fields?: LogFields) => write('info', message, fields),
  debug: (message: LogMessage, fields?: LogFields) => write('debug', message, fields),
};
