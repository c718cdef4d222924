import { describe, expect, it } from 'vitest';
import { alternateMedians, compare, median } from './measure.ts';

describe('measure', () => {
  it('should take the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('should run every side once a round, reversing the order every other round', async () => {
    const order: string[] = [];
    const side = (name: string, value: number) => async () => {
      order.push(name);
      return value;
    };
    const medians = await alternateMedians({ a: side('a', 1), b: side('b', 2), c: side('c', 3) }, 2);
    expect(order).toEqual(['a', 'b', 'c', 'c', 'b', 'a']);
    expect(medians).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('should compare two sides by their medians, so one slow round does not move the ratio', async () => {
    const slowOnce = [10, 1, 1, 1, 1];
    const comparison = await compare(
      async () => (slowOnce.shift() ?? 1) * 2,
      async () => 1,
      5,
    );
    expect(comparison).toEqual({ a: 2, b: 1, ratio: 2 });
  });
});
