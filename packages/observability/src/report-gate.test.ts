import { describe, expect, it } from 'vitest';
import { ReportGate } from './report-gate.ts';

describe('ReportGate', () => {
  it('should admit one report per key per window and count the rest', () => {
    const gate = new ReportGate(60_000);
    expect(gate.admit('database_busy', 0)).toEqual({ report: true, heldBack: 0 });
    expect(gate.admit('database_busy', 1_000)).toEqual({ report: false, heldBack: 1 });
    expect(gate.admit('database_busy', 59_999)).toEqual({ report: false, heldBack: 2 });
    expect(gate.admit('database_unavailable', 2_000)).toEqual({ report: true, heldBack: 0 });
    expect(gate.admit('database_busy', 60_000)).toEqual({ report: true, heldBack: 2 });
    expect(gate.admit('database_busy', 60_001)).toEqual({ report: false, heldBack: 1 });
  });
});
