import { describe, expect, it } from 'vitest';
import type { ProposalStatus } from './transitions.ts';
import { canTransition, proposalStatuses } from './transitions.ts';

describe('canTransition', () => {
  const legal: [ProposalStatus, ProposalStatus][] = [
    ['draft', 'sent'],
    ['draft', 'archived'],
    ['sent', 'draft'],
    ['sent', 'accepted'],
    ['sent', 'declined'],
    ['sent', 'archived'],
    ['accepted', 'archived'],
    ['declined', 'draft'],
    ['declined', 'archived'],
  ];

  it('should allow exactly the documented changes, and staying put', () => {
    for (const from of proposalStatuses) {
      for (const to of proposalStatuses) {
        const expected = from === to || legal.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  it('should keep archived final and a decision from going back to draft', () => {
    expect(canTransition('archived', 'draft')).toBe(false);
    expect(canTransition('accepted', 'draft')).toBe(false);
    expect(canTransition('draft', 'accepted')).toBe(false);
  });
});
