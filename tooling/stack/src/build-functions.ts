import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext, BuildOptions, Plugin } from 'esbuild';
import { build, context } from 'esbuild';
import { repositoryRoot } from './netlify-dev.ts';

export const functionsSourceDir = join(repositoryRoot, 'functions');
export const functionsBuildDir = join(repositoryRoot, 'dist/functions');

/**
 * Netlify forces its NFT bundler on v2 functions, and it leaves every package import external
 * (esbuild `packages: 'external'`): our workspace packages, which ship TypeScript source, would
 * then be copied untranspiled and fail at runtime ("Cannot find module …/src/index.ts"). So we
 * bundle each function ourselves — workspace packages and npm dependencies alike, because one
 * file loads much faster at cold start than hundreds (zod alone: ~37 ms as files, ~7 ms bundled
 * from zod/mini). Only the Sentry SDK stays external: it is imported on the first error, and
 * Netlify's tracer ships it in the zip.
 */
const keepSentryExternal: Plugin = {
  name: 'keep-sentry-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@sentry\// }, (args) => ({ path: args.path, external: true }));
  },
};

/** Every `functions/<name>/index.ts`, keyed by function name. */
export function functionEntryPoints(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(functionsSourceDir, { withFileTypes: true })) {
    const entryPoint = join(functionsSourceDir, entry.name, 'index.ts');
    if (entry.isDirectory() && existsSync(entryPoint)) entries[entry.name] = entryPoint;
  }
  return entries;
}

/**
 * The release this build is: Netlify's `COMMIT_REF`, else its `DEPLOY_ID` — both exist during the
 * build only, never at runtime (docs/platform.md#runtime-context) — so it is baked into every bundle
 * as `__APP_RELEASE__`. Undefined for a local build: then the function falls back at runtime
 * (netlify dev's `COMMIT_REF`, the deploy id, `dev`; @app/observability's `releaseOf`).
 */
export function buildRelease(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.COMMIT_REF || env.DEPLOY_ID || undefined;
}

export function bundleOptions(
  outdir: string,
  entryPoints: Record<string, string> = functionEntryPoints(),
): BuildOptions {
  const release = buildRelease();
  return {
    define: { __APP_RELEASE__: release === undefined ? 'undefined' : JSON.stringify(release) },
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [keepSentryExternal],
    // CommonJS dependencies (ws) call `require` for optional add-ons inside try/catch; give them one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** Bundles every function once into `dist/functions/<name>.mjs`, the folder netlify.toml serves. */
export async function buildFunctions(outdir = functionsBuildDir): Promise<void> {
  // Start empty: a stale bundle left in the folder would be deployed as a function.
  rmSync(outdir, { recursive: true, force: true });
  await build(bundleOptions(outdir));
}

/** Bundles and keeps rebundling on change, for `pnpm dev` (netlify dev reloads the output). */
export async function watchFunctions(outdir = functionsBuildDir): Promise<BuildContext> {
  rmSync(outdir, { recursive: true, force: true });
  const watcher = await context(bundleOptions(outdir));
  await watcher.rebuild();
  await watcher.watch();
  return watcher;
}
