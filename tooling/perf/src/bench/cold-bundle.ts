import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import { coldStart } from './cold-start.ts';
import { compare } from './measure.ts';

/** Cold start: import + first request of the built bundle in a fresh process (no zip, no bootstrap). */
export async function measureColdBundle(context: BenchContext): Promise<Row> {
  const cold = await compare(
    () => coldStart(context.healthBundle, context.functionEnv),
    () => coldStart(context.bareBundle, context.functionEnv),
    context.rounds,
  );
  return timingRow('cold: health bundle vs bare Neon-query bundle', cold, 1, 1.3);
}
