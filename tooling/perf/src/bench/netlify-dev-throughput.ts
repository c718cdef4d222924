import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleOptions, functionEntryPoints, functionsBuildDir } from '@app/stack/build-functions';
import { freePort } from '@app/stack/free-port';
import { spawnNetlifyDev, stopProcessGroup, waitForHttp } from '@app/stack/netlify-dev';
import { build } from 'esbuild';
import { drive } from '../load/run-load.ts';
import type { Summary } from '../load/stats.ts';
import { summarize } from '../load/stats.ts';
import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { median } from './measure.ts';

/** netlify dev: same emulator, same run, 15 clients: /api/health against the bare function (throughput). */
export async function measureNetlifyDev(context: BenchContext): Promise<Row> {
  const servedBare = join(functionsBuildDir, 'bench-bare.mjs');
  // Bundled as `pnpm dev` bundles them (the Sentry SDK imported from the checkout), so netlify dev
  // starts as it does for a developer, not after 20 s of file tracing (docs/platform.md).
  await build(
    bundleOptions(
      functionsBuildDir,
      { ...functionEntryPoints(), 'bench-bare': context.bareSource },
      { sdk: 'from-checkout' },
    ),
  );
  const port = await freePort();
  const netlify = spawnNetlifyDev({ port, env: context.functionEnv, stdio: 'pipe' });
  try {
    await waitForHttp(`http://localhost:${port}/api/health`);
    const load = async (path: string) => {
      const result = await drive({
        baseUrl: `http://localhost:${port}`,
        connections: 15,
        durationSeconds: context.quick ? 3 : 10,
        timeoutMs: 30_000,
        next: () => ({ endpoint: path, method: 'GET', path }),
      });
      return summarize(result.samples, result.durationMs, {}, result.extraErrors);
    };
    const ours: Summary[] = [];
    const base: Summary[] = [];
    for (let round = 0; round < (context.quick ? 1 : 2); round += 1) {
      ours.push(await load('/api/health'));
      base.push(await load('/.netlify/functions/bench-bare'));
    }
    const rps = (results: Summary[]) => median(results.map((r) => r.rps));
    const p99 = (results: Summary[]) => median(results.map((r) => r.p99));
    const ratio = rps(ours) / Math.max(rps(base), 0.001);
    return {
      measure: 'netlify dev, 15 clients: /api/health vs bare (throughput)',
      ours: `${rps(ours).toFixed(1)} rps, p99 ${p99(ours).toFixed(0)} ms`,
      baseline: `${rps(base).toFixed(1)} rps, p99 ${p99(base).toFixed(0)} ms`,
      ratio,
      target: '≥ 0.8×',
      met: ratio >= 0.8,
    };
  } finally {
    await stopProcessGroup(netlify);
    rmSync(servedBare, { force: true });
  }
}
