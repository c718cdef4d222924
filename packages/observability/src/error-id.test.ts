import { describe, expect, it } from 'vitest';
import { newErrorId } from './error-id.ts';

describe('newErrorId', () => {
  it('should be short, readable and free of look-alike letters', () => {
    for (let i = 0; i < 200; i += 1) expect(newErrorId()).toMatch(/^ERR-[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('should be unique per occurrence', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newErrorId));
    expect(ids.size).toBe(10_000);
  });
});
