import { readdirSync } from 'node:fs';
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
 * bundle `@app/*` into each function ourselves and leave real npm packages to Netlify's tracer.
 */
const bundleWorkspacePackagesOnly: Plugin = {
  name: 'bundle-workspace-packages-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@app/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** Every `functions/<name>/index.ts`, keyed by function name. */
export function functionEntryPoints(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const entry of readdirSync(functionsSourceDir, { withFileTypes: true })) {
    if (entry.isDirectory()) entries[entry.name] = join(functionsSourceDir, entry.name, 'index.ts');
  }
  return entries;
}

function options(outdir: string): BuildOptions {
  return {
    entryPoints: functionEntryPoints(),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [bundleWorkspacePackagesOnly],
  };
}

/** Bundles every function once into `dist/functions/<name>.mjs`, the folder netlify.toml serves. */
export async function buildFunctions(outdir = functionsBuildDir): Promise<void> {
  await build(options(outdir));
}

/** Bundles and keeps rebundling on change, for `pnpm dev` (netlify dev reloads the output). */
export async function watchFunctions(outdir = functionsBuildDir): Promise<BuildContext> {
  const watcher = await context(options(outdir));
  await watcher.rebuild();
  await watcher.watch();
  return watcher;
}
