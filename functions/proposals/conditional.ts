/**
 * Conditional requests (RFC 9110 §13) on a proposal's version: a strong ETag `"v<version>"`, which
 * changes with every write because the version only moves forward.
 */
export const etagOf = (version: number | string) => `"v${version}"`;

/** The entity tags of an `If-Match` / `If-None-Match` value: `*`, or each tag, weak ones marked. */
function parseTags(header: string): { any: boolean; tags: { tag: string; weak: boolean }[] } {
  if (header.trim() === '*') return { any: true, tags: [] };
  const tags = [...header.matchAll(/(W\/)?("[^"]*")/g)].map((match) => ({
    tag: match[2] as string,
    weak: match[1] !== undefined,
  }));
  return { any: false, tags };
}

/**
 * `If-Match` holds for the current version: strong comparison, so a weak tag never matches. No
 * header (undefined) always holds — a PATCH without it behaves as it always did.
 */
export function ifMatchHolds(header: string | null, currentEtag: string): boolean {
  if (header === null) return true;
  const { any, tags } = parseTags(header);
  return any || tags.some(({ tag, weak }) => !weak && tag === currentEtag);
}

/** `If-None-Match` names the current version (weak comparison): a GET may answer 304. */
export function ifNoneMatchHits(header: string | null, currentEtag: string): boolean {
  if (header === null) return false;
  const { any, tags } = parseTags(header);
  return any || tags.some(({ tag }) => tag === currentEtag);
}
