import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFunctions, bundleOptions, functionsBuildDir } from '@app/stack/build-functions';
import { migrate } from '@app/stack/migrate';
import { repositoryRoot } from '@app/stack/netlify-dev';
import type { WsProxy } from '@app/stack/ws-proxy';
import { startWsProxy } from '@app/stack/ws-proxy';
import { build } from 'esbuild';

export type FunctionHandler = (request: Request, context: object) => Promise<Response>;

/** What every measurement shares: the database, the bundles, the handlers, the round counts. */
export interface BenchContext {
  quick: boolean;
  /** Alternating rounds per comparison (medians are taken over them). */
  rounds: number;
  /** Calls per round of an in-process timing. */
  iterations: number;
  databaseUrl: string;
  wsProxy: string;
  token: string;
  /** The environment the functions run with (dev context, the bench's database and token). */
  functionEnv: Record<string, string>;
  /** The built health bundle and the bare baseline built the same way. */
  healthBundle: string;
  /** The bare baseline function's source (bare-function.ts). */
  bareSource: string;
  bareBundle: string;
  health: FunctionHandler;
  proposals: FunctionHandler;
  close(): Promise<void>;
}

/** The handler a function module exports (`export default`): its source or a built bundle. */
export async function importHandler(file: string): Promise<FunctionHandler> {
  return ((await import(pathToFileURL(file).href)) as { default: FunctionHandler }).default;
}

/** A function's module from functions/<name>, as the bundler sees it (not through a bundle). */
const importFunction = (name: string) => importHandler(join(repositoryRoot, 'functions', name, 'index.ts'));

/**
 * Migrates the bench's database (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test), starts
 * the WebSocket proxy, builds the bundles Netlify packages and the bare baseline the same way, and
 * imports the handlers with the functions' environment in this process.
 */
export async function prepareBench(quick: boolean): Promise<BenchContext> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const token = 'bench-token-0123456789abcdef';
  const proxy: WsProxy = await startWsProxy();
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
  await buildFunctions();
  const benchDir = join(repositoryRoot, 'dist/bench');
  const bareSource = join(import.meta.dirname, 'bare-function.ts');
  await build(bundleOptions(benchDir, { bare: bareSource }));
  const { getDatabase } = await import('@app/db');
  const { getEnv } = await import('@app/env');
  return {
    quick,
    rounds: quick ? 3 : 7,
    iterations: quick ? 50 : 300,
    databaseUrl,
    wsProxy,
    token,
    functionEnv,
    healthBundle: join(functionsBuildDir, 'health.mjs'),
    bareSource,
    bareBundle: join(benchDir, 'bare.mjs'),
    health: await importFunction('health'),
    proposals: await importFunction('proposals'),
    async close() {
      await getDatabase(getEnv()).end();
      await proxy.close();
    },
  };
}
