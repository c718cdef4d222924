export const REDACTED = '[redacted]';

/** Keys whose values are secrets whatever they hold. */
const sensitiveKey = /pass(word|wd)?|secret|token|api[-_]?key|authorization|cookie|dsn|credential|private[-_]?key/i;
/** `scheme://user:password@host` — keep the user, drop the password. */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi;
/** `Bearer abc…` / `Basic abc…` anywhere in a string. */
const authScheme = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/**
 * Removes secrets from a string: credentials inside URLs, bearer/basic tokens, and every exact
 * `secrets` value (the env schema's sensitive variables). Used on every log line and Sentry event.
 */
export function redactString(text: string, secrets: readonly string[] = []): string {
  let result = text.replace(urlCredentials, `$1:${REDACTED}@`).replace(authScheme, `$1 ${REDACTED}`);
  for (const secret of secrets) {
    // Short values would redact ordinary words; the schema requires secrets of 16+ characters.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * Deep copy of `value` with secrets removed: values under sensitive keys become `[redacted]`,
 * strings are passed through `redactString`. Cycles and depth are bounded.
 */
export function redact<T>(value: T, secrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactString(value, secrets) as T;
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (seen.has(value)) return '[circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets, depth + 1, seen)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      sensitiveKey.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, secrets, depth + 1, seen);
  }
  return copy as T;
}
