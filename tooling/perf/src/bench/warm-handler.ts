import { configureDriver, pingSql } from '@app/db';
import { databaseDefaults } from '@app/env';
import { Pool } from '@neondatabase/serverless';
import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import { compare, timePerCall } from './measure.ts';

/**
 * Warm overhead: the whole health handler against the one statement it wraps (`pingSql`), same
 * driver, same database. The baseline is the driver's own Pool running that statement, configured
 * for the local proxy exactly as @app/db does. The handler's work ends with its Response; reading the body back is the platform's
 * transport, the same for any function, so it is not timed.
 */
export async function measureWarmHandler(context: BenchContext): Promise<Row> {
  configureDriver(context.databaseUrl, context.wsProxy);
  const bare = new Pool({ connectionString: context.databaseUrl, max: databaseDefaults.DB_POOL_MAX });
  try {
    const healthCall = () => context.health(new Request('http://localhost/api/health'), {});
    const bareCall = () => bare.query(pingSql);
    await timePerCall(healthCall, 50);
    await timePerCall(bareCall, 50);
    const warm = await compare(
      () => timePerCall(healthCall, context.iterations),
      () => timePerCall(bareCall, context.iterations),
      context.rounds,
    );
    return timingRow('warm: health handler vs its bare query (`pingSql`)', warm, 3, 1.15);
  } finally {
    await bare.end();
  }
}
