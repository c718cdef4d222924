import { configureDriver, pingSql } from '@app/db';
import { databaseDefaults } from '@app/env';
import { Pool } from '@neondatabase/serverless';
import type { BenchContext } from './bench-context.ts';
import { importHandler } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import { alternateMedians, timeEach, versus } from './measure.ts';

/**
 * Calls per block and blocks per side. Short blocks, alternated many times: on a 2-core machine
 * that also runs PostgreSQL and the WebSocket proxy, the speed of the whole machine drifts by 10–30 %
 * within seconds — as much as the margin measured here — and 300-call blocks took that drift into one
 * side or the other (one run read 1.13×, the next 1.31×, same code). A block of ten keeps the
 * allocation and GC of ten requests in it; the median of many blocks drops the ones a neighbour slowed.
 */
const BLOCK = 10;
const blocks = (quick: boolean) => (quick ? 40 : 300);

/**
 * V8 compiles a function with its top tier (TurboFan) only after 3,000 calls
 * (`node --v8-options`: `--invocation-count-for-turbofan=3000`). Until then the handler's
 * once-per-request functions run V8's mid tier (Maglev), while the driver code of either side,
 * called many times per query, gets there much sooner. So an instance's first 3,000 requests are a
 * row of their own (informative: the 300 blocks after the first 50 calls), and the target is judged
 * on what a warm instance runs after them — the next 300 blocks, same process.
 */
const TOP_TIER_CALLS = 3_000;
const earlyBlocks = (quick: boolean) => (quick ? 40 : TOP_TIER_CALLS / BLOCK);

/**
 * Warm overhead: the health function as it ships (`dist/functions/health.mjs`, the bundle in the
 * deploy zip) against the one statement it wraps (`pingSql`), same driver, same database. The
 * baseline is the driver's own Pool running that statement, configured for the local proxy exactly
 * as @app/db does. Timed from the handler's call to the Response it returns: the platform builds
 * the Request before that (each call gets a fresh one, made before the clock starts) and reads the
 * body after it — the same for any function, so neither is this project's overhead.
 */
export async function measureWarmHandler(context: BenchContext): Promise<Row[]> {
  configureDriver(context.databaseUrl, context.wsProxy);
  const bare = new Pool({ connectionString: context.databaseUrl, max: databaseDefaults.DB_POOL_MAX });
  const health = await importHandler(context.healthBundle);
  const requests = () => Array.from({ length: BLOCK }, () => new Request('http://localhost/api/health'));
  const calls = () => Array.from({ length: BLOCK }, () => pingSql);
  const sides = {
    health: () => timeEach(requests(), (request) => health(request, {})),
    bare: () => timeEach(calls(), (sql) => bare.query(sql)),
    calibration: () =>
      timeEach(calls(), async (sql) => {
        await bare.query(sql);
        spin(CALIBRATION_CPU_MS);
      }),
  };
  try {
    for (let i = 0; i < 5; i += 1) for (const side of Object.values(sides)) await side();
    const early = await alternateMedians(sides, earlyBlocks(context.quick));
    const { health: ours, bare: baseline, calibration } = await alternateMedians(sides, blocks(context.quick));
    return [
      timingRow(
        `warm, an instance's first ${(earlyBlocks(context.quick) * BLOCK).toLocaleString('en')} requests (before V8's top tier): health handler vs its bare query`,
        versus({ a: early.health, b: early.bare }),
        3,
      ),
      timingRow('warm: health handler vs its bare query (`pingSql`)', versus({ a: ours, b: baseline }), 3, 1.15),
      timingRow(
        `warm calibration: the bare query + ${CALIBRATION_CPU_MS * 1000} µs of CPU vs the bare query (what that much work reads as here)`,
        versus({ a: calibration, b: baseline }),
        3,
      ),
    ];
  } finally {
    await bare.end();
  }
}

/**
 * A known amount of CPU work after each query, timed the same way: what 100 µs of work reads as on
 * this machine, so the health row's excess can be read as work. Measured here: 70–180 µs, depending
 * on what else the process interleaves (PostgreSQL shares the two cores and wakes slower after a
 * longer gap).
 */
const CALIBRATION_CPU_MS = 0.1;

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose: the calibration's known amount of work
  }
}
