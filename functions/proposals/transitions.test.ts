import { describe, expect, it } from 'vitest';
import type { ProposalStatus } from './transitions.ts';
import { canTransition, proposalStatuses, refusalOf } from './transitions.ts';

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

describe('refusalOf', () => {
  it('should refuse every change to an archived proposal, a status change included', () => {
    expect(refusalOf('archived', { title: 'New' })).toBe('An archived proposal cannot be changed');
    expect(refusalOf('archived', { amountCents: 1 })).toBe('An archived proposal cannot be changed');
    expect(refusalOf('archived', { status: 'archived' })).toBe('An archived proposal cannot be changed');
  });

  it('should freeze the terms once decided, and let a declined one be reworked as a draft', () => {
    expect(refusalOf('accepted', { amountCents: 1 })).toMatch(/cannot change once a proposal is accepted/);
    expect(refusalOf('accepted', { status: 'archived', title: 'x' })).toMatch(/once a proposal is archived/);
    expect(refusalOf('sent', { status: 'accepted', amountCents: 1 })).toMatch(/once a proposal is accepted/);
    expect(refusalOf('declined', { title: 'x' })).toMatch(/once a proposal is declined/);
    expect(refusalOf('declined', { status: 'draft', title: 'x' })).toBeUndefined();
    expect(refusalOf('sent', { amountCents: 2 })).toBeUndefined();
    expect(refusalOf('accepted', { status: 'archived' })).toBeUndefined();
  });

  it('should refuse a status change the machine does not allow', () => {
    expect(refusalOf('draft', { status: 'accepted' })).toBe('A proposal cannot go from draft to accepted');
  });
});
