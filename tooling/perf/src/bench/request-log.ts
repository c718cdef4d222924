import { log, withObservability } from '@app/observability';
import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import { compare, timePerCall } from './measure.ts';

/**
 * The lines a passing health request keeps below `LOG_LEVEL` (the wrapper's start and answer lines,
 * the query line), written once more: each is redacted, recorded as a breadcrumb and buffered, then
 * dropped with the request.
 */
function writeHealthRequestLines(): void {
  log.debug('GET /api/health started', { userAgent: 'curl/8.5.0' });
  log.debug('query select pg_stat_activity', { ms: 2, rows: 1 });
  log.info('GET /api/health 200 3ms');
}

/**
 * What keeping a request's lines for its failure costs on the warm path: a wrapped handler that
 * writes a health request's kept lines against the same handler writing none — in process, no I/O,
 * so the difference is the logger's work alone.
 */
export async function measureRequestLog(context: BenchContext): Promise<Row> {
  const keeping = withObservability(async function probe() {
    writeHealthRequestLines();
    return new Response(null, { status: 204 });
  });
  const silent = withObservability(async function probe() {
    return new Response(null, { status: 204 });
  });
  const request = new Request('http://localhost/api/health');
  const iterations = context.quick ? 500 : 5_000;
  await timePerCall(() => keeping(request, {}), iterations);
  await timePerCall(() => silent(request, {}), iterations);
  const comparison = await compare(
    () => timePerCall(() => keeping(request, {}), iterations),
    () => timePerCall(() => silent(request, {}), iterations),
    context.rounds,
  );
  return timingRow("request log: a health request's three kept lines vs none (wrapped, no I/O)", comparison, 4);
}
