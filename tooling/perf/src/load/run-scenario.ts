import { DEV_API_TOKEN, isLocalUrl } from '@app/env';
import { devLockHolder } from '@app/stack/dev-lock';
import { loadDotEnv } from '@app/stack/dot-env';
import { describeDatabaseLoad, sampleDatabaseLoad } from './database-load.ts';
import { countAppConnections, sampleAppConnections } from './pg-connections.ts';
import type { LoadReport } from './report.ts';
import { formatTable, latencyOverTime, writeReport } from './report.ts';
import type { PhaseResult } from './run-load.ts';
import { runPhase, seedProposals } from './run-load.ts';
import type { Scenario, ScenarioName } from './scenarios.ts';
import { scenarios } from './scenarios.ts';
import { fetchServeStats, instancesDuring } from './serve-stats.ts';
import type { Sample, Summary, Thresholds } from './stats.ts';
import { breach, summarize } from './stats.ts';

export interface LoadCommandOptions {
  name: ScenarioName;
  target: string;
  /** API token for writes. @default API_TOKEN, or the dev token for a local target */
  token?: string;
  /** Override the scenario's. */
  durationSeconds?: number;
  connections?: number;
  /** Open model at this many requests/s (overrides the scenario's model). */
  arrivalRate?: number;
  p99Ms?: number;
  maxErrorRate?: number;
  /** Per request; past it the request counts as a timeout error. */
  timeoutMs: number;
  reportDir: string;
}

/**
 * `pnpm load`: drives a scenario (scenarios.ts) against a running site, prints a live line and a
 * table per endpoint, writes a JSON and an HTML report, and exits 1 with one line when a
 * threshold is breached (it prints `PASS <scenario>` otherwise).
 */
export async function runLoadCommand({
  name,
  target,
  reportDir,
  timeoutMs,
  ...options
}: LoadCommandOptions): Promise<void> {
  const scenario: Scenario = scenarios[name];
  const local = isLocalUrl(target);
  // A local target's token and database come from .env; a deployed target's never do.
  if (local) loadDotEnv();
  // The local server's own: `pnpm serve` makes a token up for its session when none is set.
  const holder = local ? devLockHolder() : undefined;
  const token = options.token ?? process.env.API_TOKEN ?? holder?.apiToken ?? (local ? DEV_API_TOKEN : '');
  const thresholds: Thresholds = {
    ...scenario.thresholds,
    p99Ms: options.p99Ms ?? scenario.thresholds.p99Ms,
    maxErrorRate: options.maxErrorRate ?? scenario.thresholds.maxErrorRate,
  };
  const durationSeconds = options.durationSeconds ?? scenario.durationSeconds;
  const connections = options.connections ?? scenario.connections;
  const arrivalRate = options.arrivalRate ?? ('arrivalRate' in scenario ? scenario.arrivalRate : undefined);
  const model =
    arrivalRate === undefined
      ? `closed model: ${connections} clients, each waiting for its answer before the next request`
      : `open model: ${arrivalRate} requests/s on a fixed schedule; latency counts from the scheduled start`;
  // The local stack's database: the shell's/.env's DATABASE_URL, else the one the running pnpm dev uses.
  const databaseUrl = local ? (process.env.DATABASE_URL ?? holder?.databaseUrl) : undefined;

  function fail(reason: string): never {
    console.error(`FAIL ${name}: ${reason}`);
    process.exit(1);
  }

  try {
    await fetch(new URL('/api/health', target), { signal: AbortSignal.timeout(10_000) });
  } catch {
    fail(`${target} does not answer${local ? ' — start it with `pnpm dev` or `pnpm serve`' : ''}`);
  }

  const live = (samples: readonly Sample[], elapsedMs: number, label: string) => {
    const failed = samples.filter((sample) => sample.status < 200 || sample.status >= 300).length;
    const line = `[${label}] ${(elapsedMs / 1000).toFixed(0)}s  ${samples.length} req  ${(samples.length / (elapsedMs / 1000)).toFixed(1)} rps  non-2xx ${failed}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
    else if (Math.round(elapsedMs / 1000) % 5 === 0) console.log(line);
  };

  function summaries(result: PhaseResult): [string, Summary][] {
    const endpointNames = [...new Set(result.samples.map((sample) => sample.endpoint))];
    return [
      ...endpointNames.map((endpoint): [string, Summary] => [
        endpoint,
        summarize(
          result.samples.filter((sample) => sample.endpoint === endpoint),
          result.durationMs,
          thresholds,
        ),
      ]),
      ['total', summarize(result.samples, result.durationMs, thresholds, result.extraErrors)],
    ];
  }

  const startedAt = new Date().toISOString();
  const before = await countAppConnections(databaseUrl);
  const serveBefore = await fetchServeStats(target);
  let ids: string[];
  try {
    ids = await seedProposals(target, token);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  console.log(
    `${name}: ${scenario.description}\n${model}\ntarget ${target}, thresholds p99 < ${thresholds.p99Ms} ms, error rate ≤ ${thresholds.maxErrorRate * 100} %`,
  );
  const connectionSampler = sampleAppConnections(databaseUrl);
  const databaseSampler = sampleDatabaseLoad(databaseUrl, local ? holder?.poolerUrl : undefined);

  let verdict: string | undefined;
  let rows: [string, Summary][];
  let samples: Sample[];
  const steps: { connections: number; p99: number; errorRate: number; rps: number; breach?: string }[] = [];

  if (scenario.steps) {
    let knee: number | undefined;
    let last: PhaseResult | undefined;
    samples = [];
    for (const level of scenario.steps.filter((step) => step <= connections)) {
      const result = await runPhase({
        baseUrl: target,
        token,
        ids,
        weights: scenario.weights,
        connections: level,
        durationSeconds,
        timeoutMs,
        onProgress: (s, t) => live(s, t, `ramp ${level}`),
      });
      const offset = samples.at(-1)?.at ?? 0;
      samples.push(...result.samples.map((sample) => ({ ...sample, at: sample.at + offset })));
      const total = summarize(result.samples, result.durationMs, thresholds, result.extraErrors);
      const reason = breach(total, thresholds);
      steps.push({ connections: level, p99: total.p99, errorRate: total.errorRate, rps: total.rps, breach: reason });
      console.log(
        `\nramp ${String(level).padStart(3)} clients: ${total.rps.toFixed(1)} rps, p99 ${total.p99.toFixed(0)} ms, errors ${(total.errorRate * 100).toFixed(2)} % ${reason ? `— ${reason}` : '— ok'}`,
      );
      last = result;
      if (reason) break;
      knee = level;
    }
    rows = last ? summaries(last) : [];
    verdict = knee === undefined ? `no level met the thresholds (${steps[0]?.breach})` : undefined;
    console.log(
      `\nknee: ${knee === undefined ? 'none' : `${knee} concurrent clients`} (highest level meeting p99 < ${thresholds.p99Ms} ms and errors ≤ ${thresholds.maxErrorRate * 100} %)`,
    );
  } else {
    const result = await runPhase({
      baseUrl: target,
      token,
      ids,
      weights: scenario.weights,
      connections,
      arrivalRate,
      durationSeconds,
      timeoutMs,
      onProgress: (s, t) => live(s, t, name),
    });
    samples = result.samples;
    rows = summaries(result);
    const total = rows.at(-1)?.[1];
    verdict = total ? breach(total, thresholds) : 'no request completed';
  }

  const peak = await connectionSampler.stop();
  const database = await databaseSampler.stop();
  // Give netlify dev's workers a moment to close their pools before counting again.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const after = await countAppConnections(databaseUrl);
  const instances = instancesDuring(serveBefore, await fetchServeStats(target));
  const table = formatTable(rows);
  console.log(`\n\n${model}\n${table}\n`);
  if (before !== undefined || after !== undefined) {
    console.log(
      `app PostgreSQL connections: before ${before ?? '?'}, peak ${peak ?? '?'}, after ${after ?? '?'}${instances ? ' (frozen instances keep theirs until they are retired)' : ''}`,
    );
  }
  if (instances) {
    console.log(
      `pnpm serve instances: ${instances.coldStarts} cold starts during the run, ${instances.live} alive after it, at most ${instances.peak} of one function at once`,
    );
  }
  const databaseLines = describeDatabaseLoad(database, samples.length);
  for (const line of databaseLines) console.log(line);
  const report: LoadReport = {
    scenario: name,
    target,
    startedAt,
    verdict: verdict ?? 'pass',
    thresholds,
    summaries: Object.fromEntries(rows),
    model,
    connections: { before, peak, after },
    instances,
    database: database && { ...database, cpuMsPerRequest: database.cpuMs / Math.max(1, samples.length) },
    steps,
    series: latencyOverTime(samples),
  };
  const { jsonPath, htmlPath } = writeReport(
    reportDir,
    `load-${name}-${startedAt.replace(/[:.]/g, '-')}`,
    report,
    table,
    thresholds.p99Ms,
  );
  console.log(`report: ${htmlPath}\n        ${jsonPath}`);
  if (verdict) fail(verdict);
  console.log(`PASS ${name}`);
}
