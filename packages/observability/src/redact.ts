export const REDACTED = '[redacted]';

/** Names whose values are secrets whatever they hold: object keys, query parameters, `name=value` pairs. */
const SENSITIVE_NAME = String.raw`[\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|access[-_]?key|authorization|cookie|dsn|credential|private[-_]?key|session[-_]?id|signature)[\w.-]*`;
const sensitiveKey = new RegExp(`^${SENSITIVE_NAME}$`, 'i');

/**
 * Secret shapes in free text, each replaced by `$1[redacted]`: the first group is what stays. Error
 * messages carry whatever a driver, an SDK or an attacker put there, so these are matched by shape,
 * case-insensitively, and a value runs to the next blank or quote (a token may hold `!` or `%`).
 */
const secretShapes: readonly RegExp[] = [
  // `scheme://user:password@host`: keep the user, drop the password.
  /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*(?=@)/gi,
  // `Cookie: …` / `Set-Cookie: …` / `Authorization: …` header text: the rest of the line.
  /\b((?:set-)?cookie\s*:\s*|proxy-authorization\s*:\s*)[^\r\n]+/gi,
  // HTTP auth schemes anywhere, in any case: `Bearer x`, `bearer x`, `Basic x`, `Digest x`.
  /\b((?:bearer|basic|digest)\s+)(?!\[redacted\])[^\s"'<>,;]+/gi,
  // The `Token x` scheme, only before something credential-like (8+ characters with a digit or a
  // symbol), so that prose such as "a token expired" stays readable.
  /\b(token\s+)(?!\[redacted\])(?=[^\s"'<>,;]*[\d\-_.+/=!~])[^\s"'<>,;]{8,}/gi,
];

/**
 * `?token=x`, `&api_key=x`, `password=x`, `"password": "x"`, `secret: 'x'` (JSON inside a string
 * too). Any name is matched and then tested, which keeps the scan linear in the text's length.
 */
const namedValue =
  /((?:^|[^\w.-])([\w.-]+)\\?["']?\s*[:=]\s*\\?["']?)(?!\[redacted\]|\/\/|(?:bearer|basic|digest|token)\s)[^\s"'\\&,;})\]]+/gi;

/**
 * Removes secrets from a string: every known secret shape (above) and every exact `secrets` value
 * (the env schema's sensitive variables). Used on every log line and Sentry event.
 */
export function redactString(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; the schema requires secrets of 16+ characters.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  for (const shape of secretShapes) result = result.replace(shape, `$1${REDACTED}`);
  return result.replace(namedValue, (match, kept: string, name: string) =>
    sensitiveKey.test(name) ? `${kept}${REDACTED}` : match,
  );
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
