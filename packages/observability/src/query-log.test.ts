import diagnostics_channel from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLogger } from './logger.ts';
import { logQueries } from './query-log.ts';

// The channel @app/db publishes every statement on (packages/db/src/database.ts).
const queries = diagnostics_channel.tracingChannel<unknown, { text: string }>('app:db:query');

afterEach(() => {
  vi.restoreAllMocks();
  configureLogger({ level: 'info', json: false, secrets: [] });
});

function printedLines(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(JSON.parse(line)));
  return lines;
}

describe('a debug line per statement', () => {
  it('should name the statement, time it from start to answer and count its rows, never its parameters', async () => {
    logQueries();
    const lines = printedLines();
    configureLogger({ level: 'debug', json: true });
    await queries.tracePromise(
      async () => {
        await sleep(25);
        return { rowCount: 3 };
      },
      { text: "select * from proposals where title = 'secret parameter'" },
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'debug', msg: 'query select proposals', rows: 3 });
    // Timers never fire early: a 25 ms statement reads at least 24 ms once rounded.
    expect(lines[0]?.ms).toBeGreaterThanOrEqual(24);
    expect(JSON.stringify(lines)).not.toContain('secret parameter');
  });

  it('should time a failed statement too and give its SQLSTATE, not its message', async () => {
    logQueries();
    const lines = printedLines();
    configureLogger({ level: 'debug', json: true });
    const failure = Object.assign(new Error('duplicate key value violates "proposals_pkey"'), { code: '23505' });
    const failing = queries.tracePromise(
      async () => {
        await sleep(25);
        throw failure;
      },
      { text: 'insert into proposals (id) values ($1)' },
    );
    await expect(failing).rejects.toBe(failure);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'query insert proposals failed', code: '23505' });
    expect(lines[0]?.ms).toBeGreaterThanOrEqual(24);
    expect(JSON.stringify(lines)).not.toContain('duplicate key');
  });
});
