import { prepareBench } from './bench-context.ts';
import type { BenchResult } from './bench-report.ts';
import { formatBenchReport, writeBenchReport } from './bench-report.ts';
import { bundleSizes } from './bundle-sizes.ts';
import { measureColdBundle } from './cold-bundle.ts';
import { measureDeployZips } from './deploy-zips.ts';
import { measureNetlifyDev } from './netlify-dev-throughput.ts';
import { measureRequestLog } from './request-log.ts';
import { measureSentryImport } from './sentry-import.ts';
import { measureServiceTime } from './service-time.ts';
import { measureStatementLimits } from './statement-limits.ts';
import { measureWarmHandler } from './warm-handler.ts';

export interface BenchOptions {
  /** Fewer rounds: a smoke run of the benchmark itself. */
  quick: boolean;
  /** Leave out the netlify dev throughput ratio. */
  skipNetlifyDev: boolean;
}

/**
 * `pnpm bench`: the costs that matter in serverless, one measurement per file, each a ratio
 * measured in one run against a bare baseline (medians of alternating rounds), plus bundle sizes,
 * the Sentry SDK's import and in-process service time at the expected load. Needs a PostgreSQL:
 * DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. Prints a markdown report, writes
 * reports/bench-*.json and returns the results.
 */
export async function runBench({ quick, skipNetlifyDev }: BenchOptions): Promise<BenchResult> {
  const context = await prepareBench(quick);
  try {
    const rows = [
      ...(await measureWarmHandler(context)),
      await measureRequestLog(context),
      await measureStatementLimits(context),
      await measureColdBundle(context),
      ...(await measureDeployZips(context)),
      ...(skipNetlifyDev ? [] : [await measureNetlifyDev(context)]),
    ];
    const result: BenchResult = {
      quick,
      rows,
      ...bundleSizes(),
      service: await measureServiceTime(context),
      sentryMs: await measureSentryImport(context.rounds),
    };
    console.log(`\n${formatBenchReport(result)}\n`);
    console.log(`results: ${writeBenchReport(result)}`);
    return result;
  } finally {
    await context.close();
  }
}
