import { describe, expect, it } from 'vitest';
import { createProposalBody, listProposalsQuery, updateProposalBody } from './schema.ts';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

describe('createProposalBody', () => {
  it('should trim text and default nothing it is not told', () => {
    const result = createProposalBody.safeParse({ title: '  Redesign  ', clientName: 'ACME', amountCents: 5 });
    expect(result.success && result.data).toEqual({ title: 'Redesign', clientName: 'ACME', amountCents: 5 });
  });

  it('should name each bad field with a message a client can act on', () => {
    const result = createProposalBody.safeParse({ title: '   ', clientName: 'x'.repeat(201), amountCents: 1.5 });
    expect(issues(result)).toEqual([
      ['title', 'title must not be empty'],
      ['clientName', 'clientName must be at most 200 characters'],
      ['amountCents', 'amountCents must be a whole number of cents'],
    ]);
  });

  it('should let a new proposal start only as draft or sent', () => {
    const body = { title: 't', clientName: 'c', amountCents: 1 };
    expect(createProposalBody.safeParse({ ...body, status: 'sent' }).success).toBe(true);
    for (const status of ['accepted', 'declined', 'archived']) {
      expect(issues(createProposalBody.safeParse({ ...body, status }))).toEqual([
        ['status', 'status of a new proposal must be one of draft, sent'],
      ]);
    }
  });

  it.each([
    ['a lone high surrogate', 'Redesign \uD800', 'title must be valid Unicode (it holds a lone surrogate)'],
    ['a lone low surrogate', '\uDC00 Redesign', 'title must be valid Unicode (it holds a lone surrogate)'],
    ['only a zero-width space', '\u200B', 'title must contain a visible character'],
    ['only format and blank characters', '\u200B\u2060\uFEFF\u3164 \u200D', 'title must contain a visible character'],
    ['a direction override', 'Invoice \u202Egnp.exe', 'title must not contain direction-override characters'],
    ['only a direction override', '\u202E', 'title must not contain direction-override characters'],
  ])('should refuse a title with %s', (_, title, message) => {
    const result = createProposalBody.safeParse({ title, clientName: 'c', amountCents: 1 });
    expect(issues(result)).toContainEqual(['title', message]);
  });

  it('should accept text in any script, emoji sequences and accents', () => {
    for (const title of ['مقترح التصميم', '提案', 'Café', '👩‍💻 Redesign', '\u0915\u094D\u0937']) {
      expect(createProposalBody.safeParse({ title, clientName: 'c', amountCents: 1 }).success, title).toBe(true);
    }
  });

  it('should refuse unknown fields', () => {
    const result = createProposalBody.safeParse({ title: 't', clientName: 'c', amountCents: 1, owner: 'x' });
    expect(result.success).toBe(false);
    expect(issues(result)?.[0]?.[0]).toBe('');
  });
});

describe('updateProposalBody', () => {
  it('should need at least one field', () => {
    expect(issues(updateProposalBody.safeParse({}))).toEqual([
      ['', 'Send at least one of title, clientName, amountCents, status'],
    ]);
    expect(updateProposalBody.safeParse({ status: 'sent' }).success).toBe(true);
  });
});

describe('listProposalsQuery', () => {
  it('should default the page size and coerce it from the query string', () => {
    const defaults = listProposalsQuery.safeParse({});
    expect(defaults.success && defaults.data.limit).toBe(20);
    const fifty = listProposalsQuery.safeParse({ limit: '50' });
    expect(fifty.success && fifty.data.limit).toBe(50);
    expect(issues(listProposalsQuery.safeParse({ limit: '101' }))).toEqual([['limit', 'limit must be at most 100']]);
  });
});
