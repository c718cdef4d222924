/** `FEATURE_<NAME>_ENABLED`: the one naming rule for feature-flag variables. */
export const FEATURE_VARIABLE = /^FEATURE_[A-Z0-9]+(?:_[A-Z0-9]+)*_ENABLED$/;

/**
 * Strict flag parsing: `true`/`false` in any case, or `1`/`0`. Anything else (`ture`, `yes`)
 * is `undefined` so the caller reports it — a typo must never silently mean "off".
 */
export function parseFlagValue(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}
