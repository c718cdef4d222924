import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildZips, unpackZips } from '@app/runtime/zips';
import { buildFunctions, bundleOptions, functionsBuildDir } from '@app/stack/build-functions';
import { freePort } from '@app/stack/free-port';
import { migrate } from '@app/stack/migrate';
import { repositoryRoot, spawnNetlifyDev, stopProcessGroup, waitForHttp } from '@app/stack/netlify-dev';
import { runProcess } from '@app/stack/run-process';
import { startWsProxy } from '@app/stack/ws-proxy';
import { build } from 'esbuild';
import { drive } from '../load/run-load.ts';
import type { Summary } from '../load/stats.ts';
import { summarize } from '../load/stats.ts';
import { coldStart } from './cold-start.ts';
import { startEnvelopeSink } from './envelope-sink.ts';
import type { Comparison } from './measure.ts';
import { compare, median, timePerCall } from './measure.ts';
import type { InProcessRequest } from './service-time.ts';
import { inProcessLoad } from './service-time.ts';
import { statementLimitCost } from './statement-limits.ts';
import { bareZipLike, compareWarmZips, zipColdStart } from './zip-instances.ts';

type FunctionHandler = (request: Request, context: object) => Promise<Response>;

/** A function's module from functions/<name>, as the bundler sees it (not through a bundle). */
async function importFunction(name: string): Promise<FunctionHandler> {
  const module = (await import(pathToFileURL(join(repositoryRoot, 'functions', name, 'index.ts')).href)) as {
    default: FunctionHandler;
  };
  return module.default;
}

interface Row {
  measure: string;
  ours: string;
  baseline: string;
  ratio: number;
  target: string;
  met: boolean;
}

/** A row of the report: both medians in ms, their ratio, and whether it is within `maxRatio` (none: informative). */
function timingRow(measure: string, { a, b, ratio }: Comparison, digits: number, maxRatio?: number): Row {
  return {
    measure,
    ours: `${a.toFixed(digits)} ms`,
    baseline: `${b.toFixed(digits)} ms`,
    ratio,
    target: maxRatio === undefined ? 'informative' : `≤ ${maxRatio}×`,
    met: maxRatio === undefined || ratio <= maxRatio,
  };
}

export interface BenchOptions {
  /** Fewer rounds: a smoke run of the benchmark itself. */
  quick: boolean;
  /** Leave out the netlify dev throughput ratio. */
  skipNetlifyDev: boolean;
}

/**
 * `pnpm bench`: the costs that matter in serverless, as ratios measured in one run against a bare
 * baseline (medians of alternating rounds), plus bundle sizes and in-process service time at the
 * expected load. Needs a PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 * Prints a markdown report and writes reports/bench-*.json.
 */
export async function runBench({ quick, skipNetlifyDev }: BenchOptions): Promise<void> {
  const rounds = quick ? 3 : 7;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const token = 'bench-token-0123456789abcdef';

  const proxy = await startWsProxy();
  const wsProxy = `127.0.0.1:${proxy.port}`;
  const functionEnv = {
    CONTEXT: 'dev',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    DB_WS_PROXY: wsProxy,
    API_TOKEN: token,
  };
  Object.assign(process.env, functionEnv);
  await migrate({ databaseUrl });

  // The same bundles Netlify packages, and the baseline built the same way.
  await buildFunctions();
  const benchDir = join(repositoryRoot, 'dist/bench');
  await build(bundleOptions(benchDir, { bare: join(repositoryRoot, 'tooling/perf/src/bench/bare-function.ts') }));
  const healthBundle = join(functionsBuildDir, 'health.mjs');
  const bareBundle = join(benchDir, 'bare.mjs');

  const rows: Row[] = [];

  // 1. Warm overhead: the whole health handler vs the one query it wraps, same driver, same database.
  const health = await importFunction('health');
  const proposals = await importFunction('proposals');
  const { configureDriver, getDatabase } = await import('@app/db');
  const { databaseDefaults, getEnv } = await import('@app/env');
  const { Pool } = await import('@neondatabase/serverless');
  // The baseline is the driver's own Pool, configured for the local proxy exactly as @app/db does.
  configureDriver(databaseUrl, wsProxy);
  const bare = new Pool({ connectionString: databaseUrl, max: databaseDefaults.DB_POOL_MAX });
  // The handler's work ends with its Response; reading the body back is the platform's transport,
  // the same for any function (a bare v2 function returns one too), so it is not timed here.
  const healthCall = () => health(new Request('http://localhost/api/health'), {});
  const bareCall = () => bare.query('select 1');
  const iterations = quick ? 50 : 300;
  await timePerCall(healthCall, 50);
  await timePerCall(bareCall, 50);
  const warm = await compare(
    () => timePerCall(healthCall, iterations),
    () => timePerCall(bareCall, iterations),
    rounds,
  );
  rows.push(timingRow('warm: health handler vs bare `select 1`', warm, 3, 1.15));

  // 1b. The server-side statement limit: `set local` per query vs the role default (docs/database.md#time-limits).
  const limits = await statementLimitCost(databaseUrl, wsProxy, { rounds, iterations });
  rows.push(timingRow(`statement limit per query, ${limits.path}: set local vs role default`, limits.comparison, 3));

  // 2. Cold start: import + first request of the built bundle in a fresh process (no zip, no bootstrap).
  const cold = await compare(
    () => coldStart(healthBundle, functionEnv),
    () => coldStart(bareBundle, functionEnv),
    rounds,
  );
  rows.push(timingRow('cold: health bundle vs bare Neon-query bundle', cold, 1, 1.3));

  // 2b. The same two, as Netlify runs them: each in its deploy zip, through Netlify's entry point and
  // bootstrap, in an instance process (`pnpm serve`'s), with the bare bundle in the same layout.
  await buildZips('pipe');
  const unpacked = await unpackZips();
  const healthZip = unpacked.get('health') as string;
  const bareZip = await bareZipLike(healthZip, bareBundle, join(dirname(healthZip), 'bare'));
  const { CONTEXT: _buildOnly, ...instanceEnv } = functionEnv;
  const zipCold = await compare(
    () => zipColdStart('health', healthZip, instanceEnv),
    () => zipColdStart('bare', bareZip, instanceEnv),
    rounds,
  );
  rows.push(timingRow('cold, deploy zip via its entry point: health vs bare (spawn → last byte)', zipCold, 1, 1.3));
  const zipIterations = quick ? 30 : 200;
  const zipWarm = await compareWarmZips(
    { name: 'health', directory: healthZip, env: instanceEnv },
    { name: 'bare', directory: bareZip, env: instanceEnv },
    zipIterations,
    rounds,
  );
  rows.push(
    timingRow('warm, deploy zip via its entry point: health vs bare (per request, frozen between)', zipWarm, 2, 1.15),
  );

  // 2c. What opt-in tracing costs: the same health zip with SENTRY_TRACES_SAMPLE_RATE=1 against 0,
  // both with a DSN (a local sink that answers at once): the SDK then loads before the first request.
  const sink = await startEnvelopeSink();
  const withDsn = { ...instanceEnv, SENTRY_DSN: sink.dsn };
  const traced = { ...withDsn, SENTRY_TRACES_SAMPLE_RATE: '1' };
  const tracingCold = await compare(
    () => zipColdStart('health', healthZip, traced),
    () => zipColdStart('health', healthZip, withDsn),
    rounds,
  );
  rows.push(timingRow('tracing cold: health zip, SENTRY_TRACES_SAMPLE_RATE=1 vs 0', tracingCold, 1));
  const tracingWarm = await compareWarmZips(
    { name: 'health', directory: healthZip, env: traced },
    { name: 'health', directory: healthZip, env: withDsn },
    zipIterations,
    rounds,
  );
  await sink.close();
  rows.push(
    timingRow(
      'tracing warm: health zip, SENTRY_TRACES_SAMPLE_RATE=1 vs 0 (per request, flush included)',
      tracingWarm,
      2,
    ),
  );
  await rm(dirname(healthZip), { recursive: true, force: true });

  // 3. netlify dev: same emulator, same run, 15 clients: /api/health vs the bare function.
  if (!skipNetlifyDev) {
    const servedBare = join(functionsBuildDir, 'bench-bare.mjs');
    copyFileSync(bareBundle, servedBare);
    const port = await freePort();
    const netlify = spawnNetlifyDev({ port, env: functionEnv, stdio: 'pipe' });
    try {
      await waitForHttp(`http://localhost:${port}/api/health`);
      const seconds = quick ? 3 : 10;
      const load = async (path: string) => {
        const result = await drive({
          baseUrl: `http://localhost:${port}`,
          connections: 15,
          durationSeconds: seconds,
          timeoutMs: 30_000,
          next: () => ({ endpoint: path, method: 'GET', path }),
        });
        return summarize(result.samples, result.durationMs, {}, result.extraErrors);
      };
      const ours: Summary[] = [];
      const base: Summary[] = [];
      for (let round = 0; round < (quick ? 1 : 2); round += 1) {
        ours.push(await load('/api/health'));
        base.push(await load('/.netlify/functions/bench-bare'));
      }
      const rps = (results: Summary[]) => median(results.map((r) => r.rps));
      const p99 = (results: Summary[]) => median(results.map((r) => r.p99));
      const ratio = rps(ours) / Math.max(rps(base), 0.001);
      rows.push({
        measure: 'netlify dev, 15 clients: /api/health vs bare (throughput)',
        ours: `${rps(ours).toFixed(1)} rps, p99 ${p99(ours).toFixed(0)} ms`,
        baseline: `${rps(base).toFixed(1)} rps, p99 ${p99(base).toFixed(0)} ms`,
        ratio,
        target: '≥ 0.8×',
        met: ratio >= 0.8,
      });
    } finally {
      await stopProcessGroup(netlify);
      rmSync(servedBare, { force: true });
    }
  }

  // 4. Bundle sizes, as bundled by us (and as zipped by Netlify when `pnpm build` has run).
  const sizes = readdirSync(functionsBuildDir)
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => ({ file, kib: statSync(join(functionsBuildDir, file)).size / 1024 }));
  const zipDir = join(repositoryRoot, '.netlify/functions');
  let zips: { file: string; mib: number }[] = [];
  try {
    zips = readdirSync(zipDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => ({ file, mib: statSync(join(zipDir, file)).size / 1024 / 1024 }));
  } catch {
    // `pnpm build` has not run.
  }

  // 5. In-process service time at the expected load: 15 callers through the real handlers.
  const post = (path: string, method: string, body: unknown) =>
    new Request(`http://localhost${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const seeded: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const response = await proposals(
      post('/api/proposals', 'POST', { title: `Bench ${i}`, clientName: 'B', amountCents: i }),
      {},
    );
    seeded.push(((await response.json()) as { id: string }).id);
  }
  const pickId = () => seeded[Math.floor(Math.random() * seeded.length)];
  const mix: InProcessRequest[] = [
    { label: 'health', call: () => health(new Request('http://localhost/api/health'), {}) },
    { label: 'list', call: () => proposals(new Request('http://localhost/api/proposals?limit=20'), {}) },
    { label: 'get', call: () => proposals(new Request(`http://localhost/api/proposals/${pickId()}`), {}) },
    { label: 'list', call: () => proposals(new Request('http://localhost/api/proposals?limit=20'), {}) },
    { label: 'update', call: () => proposals(post(`/api/proposals/${pickId()}`, 'PATCH', { amountCents: 5 }), {}) },
    {
      label: 'create',
      call: () => proposals(post('/api/proposals', 'POST', { title: 'B', clientName: 'B', amountCents: 1 }), {}),
    },
  ];
  const load = await inProcessLoad(mix, 15, quick ? 2_000 : 10_000);
  const service = summarize(load.samples, load.durationMs, {});

  // 6. What the first error pays instead: importing and initialising the Sentry SDK, fresh process.
  const sentryProbe = `const started = performance.now();
  const Sentry = await import('@sentry/node');
  Sentry.initWithoutDefaultIntegrations({ dsn: 'http://key@127.0.0.1:9/1', enableOpenTelemetrySetup: false,
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.functionToStringIntegration()] });
  console.log(performance.now() - started);`;
  const sentryTimes: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const { stdout } = await runProcess(process.execPath, ['--input-type=module', '-e', sentryProbe], {
      cwd: repositoryRoot,
    });
    sentryTimes.push(Number(stdout.trim()));
  }
  const sentryMs = median(sentryTimes);

  await bare.end();
  await getDatabase(getEnv()).end();
  await proxy.close();

  const lines = [
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
    `In-process, 15 concurrent callers, ${(load.durationMs / 1000).toFixed(0)} s, real handlers on PostgreSQL (health, list ×2, get, update, create):`,
    `${service.requests} requests, ${service.rps.toFixed(0)} rps, p50 ${service.p50.toFixed(1)} ms, p99 ${service.p99.toFixed(1)} ms, ` +
      `max ${service.max.toFixed(1)} ms, error rate ${(service.errorRate * 100).toFixed(2)} % ` +
      `(seed targets: p99 < 500 ms ${service.p99 < 500 ? 'met' : 'NOT met'}, errors < 0.1 % ${service.errorRate < 0.001 ? 'met' : 'NOT met'})`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync(join(repositoryRoot, 'reports'), { recursive: true });
  const file = join(repositoryRoot, 'reports', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ quick, rows, sizes, zips, service, sentryMs }, null, 2)}\n`);
  console.log(`results: ${file}`);
  process.exit(0);
}
