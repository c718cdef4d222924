/**
 * The shapes secrets take in free text, each a regular expression whose first group (when it has
 * one) is kept and whose rest becomes `[redacted]`.
 *
 * Linear time is a property of how each one may start, not of luck: every pattern begins at a
 * boundary it checks with a lookbehind (`(?<![\w-])`, the start of a line, a separator), so the
 * engine scans a run of characters from its first character only, never again from each of its
 * positions — the mistake that makes `\b[a-z.]*://` quadratic on `a.a.a.a…`. A value that has no
 * end within reach (an unclosed quote) runs to the end of its line: redacted, not scanned again.
 * redact-text.test.ts times every pattern on growing adversarial inputs.
 */

/** Tokens recognisable by their prefix: what engineers paste into URLs, issues and error text. */
const prefixedTokens = [
  // JSON Web Tokens: header.payload.signature, the header always `{"…` in base64url.
  String.raw`eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*`,
  // AWS access key ids (long-term and temporary); their secret keys are caught by name.
  '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Za-z0-9])',
  // Google API keys.
  String.raw`AIza[\w-]{30,}`,
  // Stripe secret and restricted keys, webhook secrets.
  '(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{8,}',
  'whsec_[0-9A-Za-z+/=]{16,}',
  // GitHub (classic and fine-grained), GitLab.
  'gh[pousr]_[0-9A-Za-z]{20,}',
  String.raw`github_pat_\w{20,}`,
  String.raw`glpat-[\w-]{20,}`,
  // Slack bot, user and app tokens; Telegram bot tokens.
  'xox[abeoprs]-[0-9A-Za-z-]{8,}',
  'xapp-[0-9A-Za-z-]{8,}',
  String.raw`\d{6,12}:AA[\w-]{30,}`,
  // OpenAI, Anthropic and other `sk-` keys; npm, Netlify and Sentry tokens; SendGrid.
  String.raw`sk-[\w-]{20,}`,
  'npm_[0-9A-Za-z]{30,}',
  'nf[a-z]_[0-9A-Za-z]{20,}',
  String.raw`sntry[su]_[\w+/=-]{20,}`,
  String.raw`SG\.[\w-]{16,}\.[\w-]{16,}`,
];

/** HTTP authentication schemes: whatever follows one is a credential. */
const authSchemes = 'bearer|basic|digest|apikey|api-key|negotiate|ntlm|hoba|aws4-hmac-sha256';

/** A value's characters, up to a blank, a quote or a separator. */
const value = String.raw`[^\s"'<>,;\\]+`;

export const secretFormats: readonly RegExp[] = [
  new RegExp(`(?<![\\w-])(?:${prefixedTokens.join('|')})`, 'g'),
  // `user:password@host`, after a scheme's `//` or on its own: keep the user, drop the password
  // (up to the last `@` before the host, so a decoded password may hold one).
  /((?<![^\s"'(<[=,;/?&])[^\s:/@"'<>]+:)[^\s/"'<>]+(?=@[\w[])/g,
  // Header text: `Authorization: <any scheme> <credential>`, `Cookie: …`, `Set-Cookie: …` — the
  // rest of the line (or of the quoted value).
  // A known scheme's name stays, for the reader.
  new RegExp(
    `((?<![\\w-])(?:(?:proxy-)?authorization|(?:set-)?cookie)\\\\?["']?\\s*[:=]\\s*\\\\?["']?(?:(?:${authSchemes}|token)\\s+)?)[^\\r\\n"'\\\\]+`,
    'gi',
  ),
  // A scheme and its credential anywhere in text: `Bearer x`, `bearer x`, `ApiKey x`.
  new RegExp(`((?<![\\w-])(?:${authSchemes})\\s+)(?!\\[redacted\\])${value}`, 'gi'),
  // The `Token x` scheme: capitalised, as in a header, any value of 8+ characters; lowercase only
  // before something credential-like, so that prose such as "a token expired" stays readable.
  /((?<![\w-])Token\s+)(?!\[redacted\])[^\s"'<>,;\\]{8,}/g,
  /((?<![\w-])token\s+)(?!\[redacted\])(?=[^\s"'<>,;]*[\d\-_.+/=!~])[^\s"'<>,;\\]{8,}/gi,
];

/** Names whose values are secrets whatever they hold: object keys, query parameters, `name=value`. */
export const sensitiveName =
  /pass(?:word|wd|phrase)?|secret|token|api[-_]?key|access[-_]?key|authori[sz]ation|auth[-_]?key|cookie|dsn|credential|private[-_]?key|session[-_]?(?:id|key)|signature|jwt/i;

/**
 * `name=value`, `name: value`, `"name": "value"` (JSON inside a string too): the name is captured
 * and tested with `sensitiveName`. A quoted value is taken whole, spaces included, to its closing
 * quote or the end of the line; an unquoted one to the next separator.
 */
export const namedValue = new RegExp(
  String.raw`((?<![\w.-])([\w.-]+)\\?["']?\s*[:=]\s*)(?:(\\?["'])(?:(?!\3)[^\r\n])*|(?!\[redacted\]|\/\/|(?:${authSchemes}|token)\s)[^\s"'\\&,;})\]]+)`,
  'gi',
);

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;

/**
 * PEM private keys: from `-----BEGIN … PRIVATE KEY-----` to its END line, or to the end of the text
 * when the END line is missing (a truncated key is still a key). One pass with two cursors.
 */
export function redactPrivateKeys(text: string, replacement: string): string {
  if (!text.includes('PRIVATE KEY-----')) return text;
  let result = '';
  let from = 0;
  PRIVATE_KEY_BEGIN.lastIndex = 0;
  for (let begin = PRIVATE_KEY_BEGIN.exec(text); begin !== null; begin = PRIVATE_KEY_BEGIN.exec(text)) {
    PRIVATE_KEY_END.lastIndex = begin.index + begin[0].length;
    const end = PRIVATE_KEY_END.exec(text);
    const stop = end === null ? text.length : end.index + end[0].length;
    result += `${text.slice(from, begin.index)}${replacement}`;
    from = stop;
    PRIVATE_KEY_BEGIN.lastIndex = stop;
    if (end === null) break;
  }
  return result + text.slice(from);
}

/**
 * What every shape above needs somewhere in the text: a separator (`:`, `=`), a percent escape, or
 * one of the prefixes and words the shapes start with (matched in any case: a superset). Text
 * without any of them cannot hold a shape, and skips the patterns — most log lines, on the hot path.
 */
export const mayHoldShape =
  /[:=%]|eyJ|A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|IPA|NPA|NVA|Iza)|[sr]k_|whsec_|gh[pousr]_|github_pat_|glpat-|xox|xapp-|sk-|npm_|nf[a-z]_|sntry|SG\.|bearer|basic|digest|api-?key|negotiate|ntlm|hoba|aws4|token|PRIVATE KEY/i;
