import type { LogLevel } from '@app/env';
import { redact, redactString } from './redact.ts';
import type { BreadcrumbLevel } from './request-scope.ts';
import { addBreadcrumb } from './request-scope.ts';

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
  /**
   * Receives every `warn` and `error` line, redacted, whatever `level` prints: capture.ts sends
   * them to Sentry as Logs.
   */
  forward?: (level: 'warn' | 'error', message: string, fields: LogFields) => void;
}

let settings: LoggerSettings = { level: 'info', json: false, secrets: [] };

/** Applied once per validated environment (configure.ts), and by tests. */
export function configureLogger(next: Partial<LoggerSettings>): void {
  settings = { ...settings, ...next };
}

function write(level: LogLevel, logMessage: LogMessage, fields: LogFields = {}): void {
  const valueFree = logMessage instanceof ValueFreeText;
  const message = valueFree ? logMessage.text : logMessage;
  // Every line, printed or not, becomes a breadcrumb: the context Sentry shows next to an error.
  // It is recorded as is — Sentry's beforeSend redacts the whole event — so that lines below the
  // level cost next to nothing on the hot path.
  addBreadcrumb(message, 'log', breadcrumbLevel[level], Object.keys(fields).length > 0 ? fields : undefined);
  const forwarded = (level === 'warn' || level === 'error') && settings.forward !== undefined;
  if (rank[level] > rank[settings.level] && !forwarded) return;
  const safeMessage = valueFree ? message : redactString(message, settings.secrets);
  const safeFields = redact(fields, settings.secrets);
  if (forwarded) settings.forward?.(level as 'warn' | 'error', safeMessage, safeFields);
  if (rank[level] > rank[settings.level]) return;
  const line = settings.json
    ? JSON.stringify({
        level,
        time: new Date().toISOString(),
        msg: safeMessage,
        release: settings.release,
        ...safeFields,
      })
    : `[${level}] ${safeMessage}${Object.entries(safeFields)
        .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join('')}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** The project's logger: leveled, redacted, and a breadcrumb source. */
export const log = {
  error: (message: LogMessage, fields?: LogFields) => write('error', message, fields),
  warn: (message: LogMessage, fields?: LogFields) => write('warn', message, fields),
  info: (message: LogMessage, fields?: LogFields) => write('info', message, fields),
  debug: (message: LogMessage, fields?: LogFields) => write('debug', message, fields),
};
