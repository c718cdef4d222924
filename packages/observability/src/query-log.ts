import diagnostics_channel from 'node:diagnostics_channel';
import { log } from './logger.ts';
import { querySummary } from './query-summary.ts';

/** The channels @app/db publishes on (packages/db/src/database.ts, permit-queue.ts), by name: no import. */
const QUERY_CHANNEL = 'app:db:query';
const POOL_WAIT_CHANNEL = 'app:db:pool-wait';

let subscribed = false;

/**
 * A debug line per statement (its name — `select proposals` — duration and rows; never the
 * parameters) and per wait for a pool connection. Below the level they are kept with the request
 * and printed only if it fails (logger.ts); outside a request they are dropped at once.
 */
export function logQueries(): void {
  if (subscribed) return;
  subscribed = true;
  const started = new WeakMap<object, number>();
  diagnostics_channel
    .tracingChannel<unknown, { text: string; result?: unknown; error?: unknown }>(QUERY_CHANNEL)
    .subscribe({
      start(context) {
        started.set(context, performance.now());
      },
      asyncEnd(context) {
        const ms = Math.round(performance.now() - (started.get(context) ?? performance.now()));
        const rows = (context.result as { rowCount?: number | null } | undefined)?.rowCount ?? undefined;
        log.debug(`query ${querySummary(context.text)}`, { ms, rows });
      },
      error(context) {
        const ms = Math.round(performance.now() - (started.get(context) ?? performance.now()));
        const code = (context.error as { code?: unknown } | undefined)?.code;
        log.debug(`query ${querySummary(context.text)} failed`, {
          ms,
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
