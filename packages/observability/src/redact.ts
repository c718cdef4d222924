import { mayHoldShape, namedValue, redactPrivateKeys, secretFormats, sensitiveName } from './secret-formats.ts';

export const REDACTED = '[redacted]';

/** How many layers of percent-encoding are looked through (`%2520` is two). */
const MAX_DECODE_LAYERS = 3;
/** Deeper than this, an object's contents are not walked but replaced: the redactor fails closed. */
const MAX_DEPTH = 12;

/** Every secret shape and every exact `secrets` value in `text`, replaced; nothing decoded. */
function redactShapes(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; the schema requires secrets of 12+ characters.
    if (secret.length >= 8 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  if (!mayHoldShape.test(result)) return result;
  result = redactPrivateKeys(result, REDACTED);
  for (const format of secretFormats) {
    result = result.replace(format, (_match, kept: unknown) => `${typeof kept === 'string' ? kept : ''}${REDACTED}`);
  }
  return redactNamedValues(result, true);
}

/**
 * `name=value` pairs whose name is sensitive. The quoted value of an ordinary name is looked into
 * once more (a message field holding `password=x`), one level deep: each character is scanned at
 * most twice, so the pass stays linear.
 */
function redactNamedValues(text: string, lookInsideQuotes: boolean): string {
  return text.replace(namedValue, (match, kept: string, name: string, quote: string | undefined) => {
    if (sensitiveName.test(name)) return `${kept}${quote ?? ''}${REDACTED}`;
    if (quote === undefined || !lookInsideQuotes) return match;
    return `${kept}${quote}${redactNamedValues(match.slice(kept.length + quote.length), false)}`;
  });
}

const percentRun = /(?:%[0-9A-Fa-f]{2})+/g;

/** Percent-decodes every `%XX` run (invalid UTF-8 becomes U+FFFD); the rest is left as it is. */
function percentDecode(text: string): string {
  return text.replace(percentRun, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/**
 * Removes secrets from a string: every known secret shape (secret-formats.ts) and every exact
 * `secrets` value (the environment's sensitive variables). Used on every log line, span name and
 * Sentry event. A secret may arrive percent-encoded (a request path, a query string, an encoded
 * URL inside a URL): the text is decoded, layer by layer, and matched again; when the decoded text
 * hides something the encoded one did not show, the decoded, redacted text is returned.
 * Linear in the text's length (secret-formats.ts says why; redact.test.ts measures it).
 */
export function redactString(text: string, secrets: readonly string[] = []): string {
  let result = redactShapes(text, secrets);
  let current = result;
  for (let layer = 0; layer < MAX_DECODE_LAYERS && current.includes('%'); layer += 1) {
    const decoded = percentDecode(current);
    if (decoded === current) break;
    current = redactShapes(decoded, secrets);
    if (current !== decoded) result = current;
  }
  return result;
}

/**
 * Deep copy of `value` with secrets removed: values under sensitive keys become `[redacted]`, keys
 * and strings go through `redactString`. Fails closed: what it cannot walk — past MAX_DEPTH, or a
 * getter that throws — is replaced by `[redacted]`, never returned as it is.
 */
export function redact<T>(value: T, secrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactString(value, secrets) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return REDACTED as T;
  if (seen.has(value)) return '[circular]' as T;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, secrets, depth + 1, seen)) as T;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[redactString(key, secrets)] =
        sensitiveName.test(key) && item !== undefined && item !== null
          ? REDACTED
          : redact(item, secrets, depth + 1, seen);
    }
    return copy as T;
  } catch {
    return REDACTED as T;
  }
}
