/** `select`, `insert into proposals`, …: a statement named without its values (parameters are never in the text). */
export function querySummary(text: string): string {
  const words = text.trim().split(/\s+/);
  const verb = (words[0] ?? 'query').toLowerCase();
  const table = /\b(?:from|into|update)\s+("?[\w.]+"?)/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}
