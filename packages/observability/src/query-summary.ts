/** The statement's first word: `select`, `insert`, `begin`. */
const verbPattern = /^\s*([a-z]+)/i;

/**
 * The table a statement reads or writes: the name after `from`, `into` or `update` — not a function
 * call's argument, such as the `from` of `extract(epoch from current_setting(…))`.
 */
const tablePattern = /\b(?:from|into|update)\s+("?[\w.]+"?)(?![\w.("])/i;

/** `select proposals`, `insert proposals`, …: a statement named without its values (parameters are never in the text). */
export function querySummary(text: string): string {
  const verb = verbPattern.exec(text)?.[1]?.toLowerCase() ?? 'query';
  const table = tablePattern.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}
