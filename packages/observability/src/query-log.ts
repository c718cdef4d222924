import diagnostics_channel from 'node:diagnostics_channel';
import { log } from './logger.ts';
import { querySummary } from './query-summary.ts';

/** The channels @app/db publishes on (packages/db/src/database.ts, permit-queue.ts), by name: no import. */
const QUERY_CHANNEL = 'app:db:query';
const POOL_WAIT_CHANNEL = 'app:db:pool-wait';

let subscribed = false;

/**
 * When a statement started, on the channel's own per-statement context object: a property, not a
 * WeakMap entry — a WeakMap's table grew by one entry per statement until the next GC and took
 * ~4 µs a statement to insert into (a CPU profile of warm health requests).
 */
const startedAt = Symbol('startedAt');

type QueryContext = { text: string; result?: unknown; error?: unknown; [startedAt]?: number };
const elapsedMs = (context: QueryContext) => Math.round(performance.now() - (context[startedAt] ?? performance.now()));

/**
 * A debug line per statement (its name — `select proposals` — duration and rows; never the
 * parameters) and per wait for a pool connection. Below the level they are kept with the request
 * and printed only if it fails (logger.ts); outside a request they are dropped at once.
 */
export function logQueries(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics_channel.tracingChannel<unknown, QueryContext>(QUERY_CHANNEL).subscribe({
    start(context) {
      context[startedAt] = performance.now();
    },
    asyncEnd(context) {
      // A rejected statement reaches asyncEnd too, after `error`: its one line is the failure's.
      if ('error' in context) return;
      const rows = (context.result as { rowCount?: number | null } | undefined)?.rowCount ?? undefined;
      log.debug(`query ${querySummary(context.text)}`, { ms: elapsedMs(context), rows });
    },
    error(context) {
      const code = (context.error as { code?: unknown } | undefined)?.code;
      log.debug(`query ${querySummary(context.text)} failed`, {
        ms: elapsedMs(context),
        code: typeof code === 'string' ? code : undefined,
      });
    },
    end() {},
    asyncStart() {},
  });
  diagnostics_channel.subscribe(POOL_WAIT_CHANNEL, (message) => {
    const { waitedMs, waiting } = message as { waitedMs: number; waiting: number };
    log.debug('waited for a database connection', { waitedMs, stillWaiting: waiting });
  });
}
