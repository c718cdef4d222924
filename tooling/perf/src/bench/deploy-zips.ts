import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZips, unpackZips } from '@app/runtime/zips';
import type { BenchContext } from './bench-context.ts';
import type { Row } from './bench-report.ts';
import { timingRow } from './bench-report.ts';
import { startEnvelopeSink } from './envelope-sink.ts';
import { compare } from './measure.ts';
import { bareZipLike, compareWarmZips, zipColdStart } from './zip-instances.ts';

/**
 * The health function and the bare one as Netlify runs them: each in its deploy zip, through
 * Netlify's entry point and bootstrap, in an instance process (`pnpm serve`'s), the bare bundle in
 * the same layout — cold and warm; then what opt-in tracing costs on the same zip.
 */
export async function measureDeployZips(context: BenchContext): Promise<Row[]> {
  await buildZips('pipe');
  const unpacked = await unpackZips();
  const healthZip = unpacked.get('health') as string;
  const scratch = await mkdtemp(join(tmpdir(), 'bench-bare-zip-'));
  try {
    const bareZip = await bareZipLike(healthZip, context.bareBundle, join(scratch, 'bare'));
    const { CONTEXT: _buildOnly, ...instanceEnv } = context.functionEnv;
    const zip = await coldAndWarm(
      context,
      { name: 'health', directory: healthZip, env: instanceEnv },
      { name: 'bare', directory: bareZip, env: instanceEnv },
    );
    return [
      timingRow('cold, deploy zip via its entry point: health vs bare (spawn → last byte)', zip.cold, 1, 1.3),
      timingRow(
        'warm, deploy zip via its entry point: health vs bare (per request, frozen between)',
        zip.warm,
        2,
        1.15,
      ),
      ...(await measureTracing(context, healthZip, instanceEnv)),
    ];
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * What opt-in tracing costs: the health zip with SENTRY_TRACES_SAMPLE_RATE=1 against 0, both with a
 * DSN (a local sink that answers at once): the SDK then loads before the first request.
 */
async function measureTracing(context: BenchContext, healthZip: string, env: Record<string, string>): Promise<Row[]> {
  const sink = await startEnvelopeSink();
  try {
    const withDsn = { ...env, SENTRY_DSN: sink.dsn };
    const traced = { ...withDsn, SENTRY_TRACES_SAMPLE_RATE: '1' };
    const { cold, warm } = await coldAndWarm(
      context,
      { name: 'health', directory: healthZip, env: traced },
      { name: 'health', directory: healthZip, env: withDsn },
    );
    return [
      timingRow('tracing cold: health zip, SENTRY_TRACES_SAMPLE_RATE=1 vs 0', cold, 1),
      timingRow('tracing warm: health zip, SENTRY_TRACES_SAMPLE_RATE=1 vs 0 (per request, flush included)', warm, 2),
    ];
  } finally {
    await sink.close();
  }
}

interface ZipUnderTest {
  name: string;
  directory: string;
  env: Record<string, string>;
}

/** `a` against `b`: a fresh instance's first answer (cold), and per request on a warm one frozen between (warm). */
async function coldAndWarm(context: BenchContext, a: ZipUnderTest, b: ZipUnderTest) {
  const cold = await compare(
    () => zipColdStart(a.name, a.directory, a.env),
    () => zipColdStart(b.name, b.directory, b.env),
    context.rounds,
  );
  const warm = await compareWarmZips(a, b, context.quick ? 30 : 200, context.rounds);
  return { cold, warm };
}
