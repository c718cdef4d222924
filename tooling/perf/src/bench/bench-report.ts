import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@app/stack/netlify-dev';
import type { Summary } from '../load/stats.ts';
import type { BundleSizes } from './bundle-sizes.ts';
import type { Comparison } from './measure.ts';

/** One row of the report: ours against the baseline, their ratio, and whether it meets its target. */
export interface Row {
  measure: string;
  ours: string;
  baseline: string;
  ratio: number;
  target: string;
  met: boolean;
}

/** A row from two medians in ms, their ratio, and whether it is within `maxRatio` (none: informative). */
export function timingRow(measure: string, { a, b, ratio }: Comparison, digits: number, maxRatio?: number): Row {
  return {
    measure,
    ours: `${a.toFixed(digits)} ms`,
    baseline: `${b.toFixed(digits)} ms`,
    ratio,
    target: maxRatio === undefined ? 'informative' : `≤ ${maxRatio}×`,
    met: maxRatio === undefined || ratio <= maxRatio,
  };
}

export interface BenchResult {
  quick: boolean;
  rows: Row[];
  sizes: BundleSizes['sizes'];
  zips: BundleSizes['zips'];
  service: Summary & { durationMs: number };
  sentryMs: number;
}

/** The markdown report `pnpm bench` prints. */
export function formatBenchReport({ rows, sizes, zips, service, sentryMs }: BenchResult): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `| measure | ours | baseline | ratio | target | met |`,
    `| --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      (r) =>
        `| ${r.measure} | ${r.ours} | ${r.baseline} | ${r.ratio.toFixed(2)}× | ${r.target} | ${r.met ? 'yes' : 'NO'} |`,
    ),
    '',
    `| bundle | size |`,
    `| --- | --- |`,
    ...sizes.map((s) => `| dist/functions/${s.file} | ${s.kib.toFixed(1)} KiB |`),
    ...zips.map((z) => `| .netlify/functions/${z.file} (Netlify zip, with node_modules) | ${z.mib.toFixed(2)} MiB |`),
    '',
    `Sentry SDK import + init (@sentry/node, paid on a function instance's first captured error, not at cold start): ${sentryMs.toFixed(1)} ms`,
    '',
    `In-process, 15 concurrent callers, ${(service.durationMs / 1000).toFixed(0)} s, real handlers on PostgreSQL (health, list ×2, get, update, create):`,
    `${service.requests} requests, ${service.rps.toFixed(0)} rps, p50 ${service.p50.toFixed(1)} ms, p99 ${service.p99.toFixed(1)} ms, ` +
      `max ${service.max.toFixed(1)} ms, error rate ${(service.errorRate * 100).toFixed(2)} % ` +
      `(seed targets: p99 < 500 ms ${met(service.p99 < 500)}, errors < 0.1 % ${met(service.errorRate < 0.001)})`,
  ].join('\n');
}

/** Writes reports/bench-<time>.json; returns its path. */
export function writeBenchReport(result: BenchResult): string {
  mkdirSync(join(repositoryRoot, 'reports'), { recursive: true });
  const file = join(repositoryRoot, 'reports', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
