import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResponseSink } from '@app/runtime/function-instances';
import { FunctionInstances } from '@app/runtime/function-instances';
import { toLambdaEvent } from '@app/runtime/lambda-event';
import type { Comparison } from './measure.ts';
import { compare, timePerCall } from './measure.ts';

/**
 * A bare function in the deploy layout: a copy of an unpacked zip (Netlify's entry point, bootstrap
 * and telemetry) whose entry point hands the bootstrap `bundle` instead — so a comparison with the
 * zip it was copied from measures this project's code and nothing of the packaging.
 */
export async function bareZipLike(unpackedZip: string, bundle: string, into: string): Promise<string> {
  await cp(unpackedZip, into, { recursive: true });
  await cp(bundle, join(into, 'dist/functions/bare.mjs'));
  await writeFile(
    join(into, '___netlify-entry-point.mjs'),
    "import * as bootstrap from './___netlify-bootstrap.mjs';export const handler = bootstrap.getLambdaHandler('./dist/functions/bare.mjs')",
  );
  return into;
}

/** Instances of one unpacked zip, as `pnpm serve` runs them: frozen between calls. */
export function zipInstances(name: string, directory: string, env: Record<string, string>) {
  return new FunctionInstances({
    name,
    directory,
    env: { PATH: process.env.PATH ?? '', ...env, AWS_LAMBDA_FUNCTION_NAME: name, LAMBDA_TASK_ROOT: directory },
    maxInstances: 1,
    retireAfterMs: 600_000,
    timeoutMs: 30_000,
    log: () => {},
  });
}

const deploy = { context: 'deploy-preview', id: 'bench', branch: 'bench', siteId: 'bench' };

/** One GET through the instance's entry point; resolves with the status once the response has ended. */
export function invokeOnce(instances: FunctionInstances, path: string): Promise<number> {
  const event = toLambdaEvent({
    method: 'GET',
    url: path,
    headers: { host: 'localhost' },
    body: Buffer.alloc(0),
    clientIp: '127.0.0.1',
    deploy,
  });
  return new Promise((resolve, reject) => {
    let status = 0;
    const sink: ResponseSink = {
      head: (statusCode) => {
        status = statusCode;
      },
      chunk: () => {},
      end: () => resolve(status),
      fail: (statusCode, message) => reject(new Error(`${statusCode}: ${message}`)),
    };
    instances.invoke({ readBody: async () => Buffer.alloc(0), toEvent: () => event }, sink).catch(reject);
  });
}

/** Spawn to last byte of the first response: what a request that lands on a new instance waits. */
export async function zipColdStart(name: string, directory: string, env: Record<string, string>): Promise<number> {
  const instances = zipInstances(name, directory, env);
  const started = performance.now();
  const status = await invokeOnce(instances, '/api/health');
  const ms = performance.now() - started;
  await instances.stop();
  if (status !== 200) throw new Error(`cold start of ${name} answered ${status}`);
  return ms;
}

export interface ZipUnderTest {
  name: string;
  directory: string;
  env: Record<string, string>;
}

/**
 * Per-request time of `a` against `b`, each on one warm instance (frozen between requests), after
 * 20 requests each to warm them up: medians of `rounds` alternating rounds of `iterations`.
 */
export async function compareWarmZips(
  a: ZipUnderTest,
  b: ZipUnderTest,
  iterations: number,
  rounds: number,
): Promise<Comparison> {
  const [first, second] = [a, b].map(({ name, directory, env }) => zipInstances(name, directory, env)) as [
    FunctionInstances,
    FunctionInstances,
  ];
  try {
    await timePerCall(() => invokeOnce(first, '/api/health'), 20);
    await timePerCall(() => invokeOnce(second, '/api/health'), 20);
    return await compare(
      () => timePerCall(() => invokeOnce(first, '/api/health'), iterations),
      () => timePerCall(() => invokeOnce(second, '/api/health'), iterations),
      rounds,
    );
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
}
