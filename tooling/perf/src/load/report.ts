import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseLoad } from './database-load.ts';
import type { Sample, Summary } from './stats.ts';
import { percentile } from './stats.ts';

const ms = (value: number) => `${value.toFixed(0)}`;

/** The end-of-run table: one row per endpoint plus the total. */
export function formatTable(rows: [string, Summary][]): string {
  const header = ['endpoint', 'requests', 'rps', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'];
  const body = rows.map(([name, s]) => [
    name,
    String(s.requests),
    s.rps.toFixed(1),
    ms(s.p50),
    ms(s.p90),
    ms(s.p99),
    ms(s.max),
    Object.entries(s.errors)
      .map(([kind, count]) => `${count}× ${kind}`)
      .join(', ') || '0',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** Per-second p50 and p99 over the run: the latency-over-time series the chart draws. */
export function latencyOverTime(
  samples: readonly Sample[],
): { second: number; p50: number; p99: number; count: number }[] {
  const bySecond = new Map<number, number[]>();
  for (const sample of samples) {
    const second = Math.floor(sample.at / 1000);
    bySecond.set(second, [...(bySecond.get(second) ?? []), sample.latencyMs]);
  }
  return [...bySecond.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return { second, p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: values.length };
    });
}

function svgChart(series: ReturnType<typeof latencyOverTime>, p99LimitMs: number): string {
  const width = 800;
  const height = 300;
  const pad = 48;
  const maxX = Math.max(1, ...series.map((point) => point.second));
  const maxY = Math.max(p99LimitMs * 1.2, ...series.map((point) => point.p99));
  const x = (second: number) => pad + (second / maxX) * (width - 2 * pad);
  const y = (value: number) => height - pad - (value / maxY) * (height - 2 * pad);
  const path = (key: 'p50' | 'p99') =>
    series
      .map((point, i) => `${i === 0 ? 'M' : 'L'}${x(point.second).toFixed(1)},${y(point[key]).toFixed(1)}`)
      .join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((share) => {
      const value = maxY * share;
      return `<line x1="${pad}" y1="${y(value)}" x2="${width - pad}" y2="${y(value)}" stroke="#eee"/>
  <text x="${pad - 4}" y="${y(value) + 4}" text-anchor="end" fill="#666">${value.toFixed(0)}</text>`;
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="#fff"/>
  ${ticks}
  <text x="${pad}" y="${height - pad + 16}" fill="#666">0 s</text>
  <text x="${width - pad}" y="${height - pad + 16}" text-anchor="end" fill="#666">${maxX} s</text>
  <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/>
  <line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>
  <line x1="${pad}" y1="${y(p99LimitMs)}" x2="${width - pad}" y2="${y(p99LimitMs)}" stroke="#c00" stroke-dasharray="4"/>
  <text x="${width - pad}" y="${y(p99LimitMs) - 4}" text-anchor="end" fill="#c00">p99 limit ${p99LimitMs} ms</text>
  <path d="${path('p50')}" fill="none" stroke="#36c" stroke-width="2"/>
  <path d="${path('p99')}" fill="none" stroke="#e80" stroke-width="2"/>
  <text x="${pad}" y="${pad - 10}">latency (ms, max ${maxY.toFixed(0)}) — blue p50, orange p99 — per second of the run (${maxX} s)</text>
</svg>`;
}

export interface LoadReport {
  scenario: string;
  target: string;
  startedAt: string;
  verdict: string;
  thresholds: unknown;
  summaries: Record<string, Summary>;
  /** Which load model produced the numbers (closed loop or open, constant arrival rate). */
  model: string;
  /** This app's PostgreSQL connections, local targets only. */
  connections?: { before?: number; peak?: number; after?: number };
  /** `pnpm serve` targets only. */
  instances?: { coldStarts: number; live: number; peak: number };
  /** Local targets only: the pooler's connections and the database server's CPU (database-load.ts). */
  database?: DatabaseLoad & { cpuMsPerRequest: number };
  steps?: unknown[];
  series: ReturnType<typeof latencyOverTime>;
}

/** Writes `<name>.json` and a self-contained `<name>.html` (table + inline SVG) under `dir`. */
export function writeReport(dir: string, name: string, report: LoadReport, table: string, p99LimitMs: number) {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, `${name}.json`);
  const htmlPath = join(dir, `${name}.html`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  writeFileSync(
    htmlPath,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Load: ${report.scenario}</title></head>
<body style="font-family:sans-serif;max-width:900px;margin:2em auto">
<h1>Load test: ${escapeHtml(report.scenario)}</h1>
<p>${escapeHtml(report.target)} · ${report.startedAt} · <strong>${escapeHtml(report.verdict)}</strong></p>
<p>${escapeHtml(report.model)}</p>
${svgChart(report.series, p99LimitMs)}
<pre>${escapeHtml(table)}</pre>
</body></html>\n`,
  );
  return { jsonPath, htmlPath };
}
