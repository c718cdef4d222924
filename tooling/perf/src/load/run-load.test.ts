import { describe, expect, it } from 'vitest';
import { schedule } from './run-load.ts';

describe('schedule', () => {
  it('should hold each endpoint as often as its weight, interleaved', () => {
    const mix = schedule({ list: 3, health: 1, create: 2 });
    expect(mix).toHaveLength(6);
    expect(mix.filter((name) => name === 'list')).toHaveLength(3);
    expect(mix.filter((name) => name === 'create')).toHaveLength(2);
    expect(mix.join(',')).not.toContain('list,list,list');
  });

  it('should skip endpoints of weight zero', () => {
    expect(schedule({ list: 2, create: 0 })).toEqual(['list', 'list']);
  });
});
