import { DEV_API_TOKEN, isLocalUrl } from '@app/env';
import { devLockHolder } from '@app/stack/dev-lock';
import { loadDotEnv } from '@app/stack/dot-env';
import { describeDatabaseLoad, sampleDatabaseLoad } from './database-load.ts';
import { countAppConnections } from './pg-connections.ts';
import type { LoadReport } from './report.ts';
import { formatTable, latencyOverTime, writeReport } from './report.ts';
import { runRetries } from './retries.ts';
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

/** How a run ended: `reason` names the breach (or why it could not run) when it failed. */
export interface LoadOutcome {
  passed: boolean;
  reason?: string;
}

/** Everything a run is decided by, resolved once from the options, the scenario and the local stack. */
interface RunSettings {
  name: ScenarioName;
  scenario: Scenario;
  target: string;
  local: boolean;
  token: string;
  thresholds: Thresholds;
  durationSeconds: number;
  connections: number;
  arrivalRate: number | undefined;
  model: string;
  timeoutMs: number;
  /** The local stack's database (for connection counts and its CPU) and pooler; undefined for a deployed target. */
  databaseUrl: string | undefined;
  poolerUrl: string | undefined;
}

/** What a run measured: a table row per endpoint and the total, every sample, and the ramp's steps. */
interface RunResult {
  rows: [string, Summary][];
  samples: Sample[];
  steps: { connections: number; p99: number; errorRate: number; rps: number; breach?: string }[];
  verdict: string | undefined;
  /** Lines printed after the table (the retries scenario's data checks). */
  notes?: string[];
}

/**
 * `pnpm load`: drives a scenario (scenarios.ts) against a running site, prints a live line and a
 * table per endpoint and writes a JSON and an HTML report. Returns the outcome; the command
 * prints `PASS <scenario>` or one `FAIL` line and chooses the exit code.
 */
export async function runLoadCommand(options: LoadCommandOptions): Promise<LoadOutcome> {
  const settings = resolveSettings(options);
  try {
    await fetch(new URL('/api/health', settings.target), { signal: AbortSignal.timeout(10_000) });
  } catch {
    const hint = settings.local ? ' — start it with `pnpm dev` or `pnpm serve`' : '';
    return { passed: false, reason: `${settings.target} does not answer${hint}` };
  }
  const startedAt = new Date().toISOString();
  const observer = await observeStack(settings);
  let ids: string[];
  try {
    ids = await seedProposals(settings.target, settings.token);
  } catch (error) {
    return { passed: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const { thresholds, scenario, target, model, name } = settings;
  console.log(
    `${name}: ${scenario.description}\n${model}\ntarget ${target}, thresholds p99 < ${thresholds.p99Ms} ms, error rate ≤ ${thresholds.maxErrorRate * 100} %`,
  );
  observer.start();
  const run = scenario.steps ? runRamp : 'retryTimeoutMs' in scenario ? runRetriesScenario : runSteady;
  const result = await run(settings, ids);
  const stack = await observer.finish(result.samples.length);
  const table = formatTable(result.rows);
  console.log(`\n\n${model}\n${table}\n`);
  for (const line of [...(result.notes ?? []), ...stack.lines]) console.log(line);
  const report: LoadReport = {
    scenario: name,
    target,
    startedAt,
    verdict: result.verdict ?? 'pass',
    thresholds,
    summaries: Object.fromEntries(result.rows),
    model,
    ...stack.report,
    steps: result.steps,
    series: latencyOverTime(result.samples),
  };
  const stamp = `load-${name}-${startedAt.replace(/[:.]/g, '-')}`;
  const { jsonPath, htmlPath } = writeReport(options.reportDir, stamp, report, table, thresholds.p99Ms);
  console.log(`report: ${htmlPath}\n        ${jsonPath}`);
  return result.verdict ? { passed: false, reason: result.verdict } : { passed: true };
}

function resolveSettings({ name, target, timeoutMs, ...options }: LoadCommandOptions): RunSettings {
  const scenario: Scenario = scenarios[name];
  const local = isLocalUrl(target);
  // A local target's token and database come from .env; a deployed target's never do.
  if (local) loadDotEnv();
  // The local server's own: `pnpm serve` makes a token up for its session when none is set.
  const holder = local ? devLockHolder() : undefined;
  const connections = options.connections ?? scenario.connections;
  const arrivalRate = options.arrivalRate ?? ('arrivalRate' in scenario ? scenario.arrivalRate : undefined);
  return {
    name,
    scenario,
    target,
    local,
    token: options.token ?? process.env.API_TOKEN ?? holder?.apiToken ?? (local ? DEV_API_TOKEN : ''),
    thresholds: {
      ...scenario.thresholds,
      p99Ms: options.p99Ms ?? scenario.thresholds.p99Ms,
      maxErrorRate: options.maxErrorRate ?? scenario.thresholds.maxErrorRate,
    },
    durationSeconds: options.durationSeconds ?? scenario.durationSeconds,
    connections,
    arrivalRate,
    model:
      arrivalRate === undefined
        ? `closed model: ${connections} clients, each waiting for its answer before the next request`
        : `open model: ${arrivalRate} requests/s on a fixed schedule; latency counts from the scheduled start`,
    timeoutMs,
    // The local stack's database: the shell's/.env's DATABASE_URL, else the one the running pnpm dev uses.
    databaseUrl: local ? (process.env.DATABASE_URL ?? holder?.databaseUrl) : undefined,
    poolerUrl: local ? holder?.poolerUrl : undefined,
  };
}

/** The live line: on a terminal, rewritten in place; in a log, every five seconds. */
function live(samples: readonly Sample[], elapsedMs: number, label: string): void {
  const failed = samples.filter((sample) => sample.status < 200 || sample.status >= 300).length;
  const line = `[${label}] ${(elapsedMs / 1000).toFixed(0)}s  ${samples.length} req  ${(samples.length / (elapsedMs / 1000)).toFixed(1)} rps  non-2xx ${failed}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
  else if (Math.round(elapsedMs / 1000) % 5 === 0) console.log(line);
}

/** A summary per endpoint, then the total. */
function summaries(result: PhaseResult, thresholds: Thresholds): [string, Summary][] {
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

const phase = (
  settings: RunSettings,
  ids: string[],
  connections: number,
  arrivalRate: number | undefined,
  label: string,
) =>
  runPhase({
    baseUrl: settings.target,
    token: settings.token,
    ids,
    weights: settings.scenario.weights,
    connections,
    arrivalRate,
    durationSeconds: settings.durationSeconds,
    timeoutMs: settings.timeoutMs,
    onProgress: (samples, elapsedMs) => live(samples, elapsedMs, label),
  });

/** One phase at the scenario's concurrency (or arrival rate). */
async function runSteady(settings: RunSettings, ids: string[]): Promise<RunResult> {
  const result = await phase(settings, ids, settings.connections, settings.arrivalRate, settings.name);
  const rows = summaries(result, settings.thresholds);
  const total = rows.at(-1)?.[1];
  return {
    rows,
    samples: result.samples,
    steps: [],
    verdict: total ? breach(total, settings.thresholds) : 'no request completed',
  };
}

/** Retrying clients (retries.ts); fails on any duplicate, lost or double-applied write. */
async function runRetriesScenario(settings: RunSettings, ids: string[]): Promise<RunResult> {
  const result = await runRetries({
    baseUrl: settings.target,
    token: settings.token,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    timeoutMs: settings.scenario.retryTimeoutMs ?? settings.timeoutMs,
    counterIds: ids.slice(0, 3),
  });
  const { operations, retries, duplicates, lostUpdates, doubleApplied, failedOperations } = result;
  const problems = [
    duplicates > 0 && `${duplicates} duplicate(s)`,
    lostUpdates > 0 && `${lostUpdates} lost update(s)`,
    doubleApplied > 0 && `${doubleApplied} double-applied update(s)`,
    failedOperations > 0 && `${failedOperations} write(s) never answered`,
  ].filter(Boolean);
  return {
    rows: summaries(result, settings.thresholds),
    samples: result.samples,
    steps: [],
    verdict: problems.length > 0 ? problems.join(', ') : undefined,
    notes: [
      `writes: ${operations} operations, ${retries} retried attempts (same Idempotency-Key, same If-Match)`,
      `duplicates: ${duplicates}`,
      `lost updates: ${lostUpdates}`,
      `double-applied updates: ${doubleApplied}`,
    ],
  };
}

/** The ramp: rising concurrency until a level breaches; the knee is the last level that did not. */
async function runRamp(settings: RunSettings, ids: string[]): Promise<RunResult> {
  const { thresholds } = settings;
  const result: RunResult = { rows: [], samples: [], steps: [], verdict: undefined };
  let knee: number | undefined;
  for (const level of (settings.scenario.steps ?? []).filter((step) => step <= settings.connections)) {
    const levelResult = await phase(settings, ids, level, undefined, `ramp ${level}`);
    const offset = result.samples.at(-1)?.at ?? 0;
    result.samples.push(...levelResult.samples.map((sample) => ({ ...sample, at: sample.at + offset })));
    const total = summarize(levelResult.samples, levelResult.durationMs, thresholds, levelResult.extraErrors);
    const reason = breach(total, thresholds);
    result.steps.push({
      connections: level,
      p99: total.p99,
      errorRate: total.errorRate,
      rps: total.rps,
      breach: reason,
    });
    console.log(
      `\nramp ${String(level).padStart(3)} clients: ${total.rps.toFixed(1)} rps, p99 ${total.p99.toFixed(0)} ms, errors ${(total.errorRate * 100).toFixed(2)} % ${reason ? `— ${reason}` : '— ok'}`,
    );
    result.rows = summaries(levelResult, thresholds);
    if (reason) break;
    knee = level;
  }
  result.verdict = knee === undefined ? `no level met the thresholds (${result.steps[0]?.breach})` : undefined;
  console.log(
    `\nknee: ${knee === undefined ? 'none' : `${knee} concurrent clients`} (highest level meeting p99 < ${thresholds.p99Ms} ms and errors ≤ ${thresholds.maxErrorRate * 100} %)`,
  );
  return result;
}

/**
 * What the local stack did around the run: the app's PostgreSQL connections before, at peak and
 * after, `pnpm serve`'s instances, and the database side (pooler connections, server CPU).
 */
async function observeStack({ databaseUrl, poolerUrl, target }: RunSettings) {
  const before = await countAppConnections(databaseUrl);
  const serveBefore = await fetchServeStats(target);
  let database: ReturnType<typeof sampleDatabaseLoad> | undefined;
  return {
    start() {
      database = sampleDatabaseLoad(databaseUrl, poolerUrl);
    },
    async finish(requests: number) {
      const load = await database?.stop();
      const peak = load?.appConnectionsPeak;
      // Give netlify dev's workers a moment to close their pools before counting again.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = await countAppConnections(databaseUrl);
      const instances = instancesDuring(serveBefore, await fetchServeStats(target));
      const lines: string[] = [];
      if (before !== undefined || after !== undefined) {
        const frozen = instances ? ' (frozen instances keep theirs until they are retired)' : '';
        lines.push(
          `app PostgreSQL connections: before ${before ?? '?'}, peak ${peak ?? '?'}, after ${after ?? '?'}${frozen}`,
        );
      }
      if (instances) {
        lines.push(
          `pnpm serve instances: ${instances.coldStarts} cold starts during the run, ${instances.live} alive after it, at most ${instances.peak} of one function at once`,
        );
      }
      lines.push(...describeDatabaseLoad(load, requests));
      const databaseLoad = load && { ...load, cpuMsPerRequest: load.cpuMs / Math.max(1, requests) };
      return { lines, report: { connections: { before, peak, after }, instances, database: databaseLoad } };
    },
  };
}
