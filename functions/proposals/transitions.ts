export const proposalStatuses = ['draft', 'sent', 'accepted', 'declined', 'archived'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

/**
 * Which status may follow which. A sent proposal can go back to draft for edits; a decision
 * (accepted/declined) is final except that a declined one may be reworked; archived is the end.
 */
const allowed: Record<ProposalStatus, readonly ProposalStatus[]> = {
  draft: ['sent', 'archived'],
  sent: ['draft', 'accepted', 'declined', 'archived'],
  accepted: ['archived'],
  declined: ['draft', 'archived'],
  archived: [],
};

export function canTransition(from: ProposalStatus, to: ProposalStatus): boolean {
  return from === to || allowed[from].includes(to);
}
