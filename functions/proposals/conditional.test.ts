import { describe, expect, it } from 'vitest';
import { etagOf, ifMatchHolds, ifNoneMatchHits } from './conditional.ts';

describe('conditional requests', () => {
  const current = etagOf(3);

  it('should build a strong ETag on the version', () => {
    expect(current).toBe('"v3"');
  });

  it('If-Match: holds without the header, for *, and for the current strong tag in a list', () => {
    expect(ifMatchHolds(null, current)).toBe(true);
    expect(ifMatchHolds('*', current)).toBe(true);
    expect(ifMatchHolds('"v1", "v3"', current)).toBe(true);
    expect(ifMatchHolds('"v2"', current)).toBe(false);
    expect(ifMatchHolds('W/"v3"', current)).toBe(false);
    expect(ifMatchHolds('garbage', current)).toBe(false);
  });

  it('If-None-Match: hits the current tag, weak or strong, and *', () => {
    expect(ifNoneMatchHits(null, current)).toBe(false);
    expect(ifNoneMatchHits('W/"v3"', current)).toBe(true);
    expect(ifNoneMatchHits('"v2", "v3"', current)).toBe(true);
    expect(ifNoneMatchHits('*', current)).toBe(true);
    expect(ifNoneMatchHits('"v2"', current)).toBe(false);
  });
});
