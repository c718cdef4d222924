import { describe, expect, it } from 'vitest';
import { querySummary } from './query-summary.ts';

describe('querySummary', () => {
  it('should name a statement by its verb and table', () => {
    expect(querySummary('select id, title from proposals where id = $1')).toBe('select proposals');
    expect(querySummary('  INSERT INTO proposals (id, title) values ($1, $2)')).toBe('insert proposals');
    expect(querySummary('update "proposals" set title = $1')).toBe('update "proposals"');
    expect(querySummary('delete from app.idempotency_keys where key = $1')).toBe('delete app.idempotency_keys');
  });

  it('should name the table, not a function argument that follows a from', () => {
    // The shape of health's ping (@app/db's pingSql).
    const ping = `select
  (extract(epoch from current_setting('statement_timeout')::interval) * 1000)::int as statement_timeout_ms,
  count(*)::int as total
from pg_stat_activity where backend_type = 'client backend'`;
    expect(querySummary(ping)).toBe('select pg_stat_activity');
    expect(querySummary('select extract(epoch from now()) from proposals')).toBe('select proposals');
  });

  it('should fall back to the verb alone, or to query for text without one', () => {
    expect(querySummary('BEGIN')).toBe('begin');
    expect(querySummary('select 1')).toBe('select');
    expect(querySummary('')).toBe('query');
  });
});
