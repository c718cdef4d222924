export const proposalStatuses = ['draft', 'sent', 'accepted', 'declined', 'archived'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

/** What a new proposal may start as: a decision or the archive is reached only through a change. */
export const initialStatuses = ['draft', 'sent'] as const;

/** The statuses whose terms (title, client, amount) may still change: a decision freezes them. */
const openStatuses: readonly ProposalStatus[] = ['draft', 'sent'];

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

export interface ProposalChange {
  status?: ProposalStatus;
  title?: string;
  clientName?: string;
  amountCents?: number;
}

/**
 * Why `change` may not be applied to a proposal in `current`, or undefined when it may: an archived
 * proposal accepts no change; a status change must be allowed; the terms change only while the
 * proposal is open (draft or sent) — in the same request that reopens a declined one, too.
 */
export function refusalOf(current: ProposalStatus, change: ProposalChange): string | undefined {
  if (current === 'archived') return 'An archived proposal cannot be changed';
  const next = change.status ?? current;
  if (!canTransition(current, next)) return `A proposal cannot go from ${current} to ${next}`;
  const termsChange = [change.title, change.clientName, change.amountCents].some((value) => value !== undefined);
  if (termsChange && !openStatuses.includes(next)) {
    return `The terms cannot change once a proposal is ${next}: a decision freezes them`;
  }
  return undefined;
}
