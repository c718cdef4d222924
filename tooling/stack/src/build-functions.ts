import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sentryEsbuildPlugin } from '@sentry/node/esbuild';
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

/**
 * For `pnpm dev` only: the Sentry SDK imported by its file URL in this checkout instead of by name.
 * netlify dev packages every v2 function through zip-it-and-ship-it, whose file tracer follows a
 * bare `import('@sentry/node')` into ~1,300 files of the SDK — about 5 s of tracing per function,
 * 15 s of every `pnpm dev` start and of every rebuild on 2 cores. It cannot follow a file URL (it
 * leaves it alone), while Node loads the very same SDK from it. The deploy build keeps the bare
 * name, so the zips ship the SDK (`keepSentryExternal`).
 */
const sentryFromCheckout: Plugin = {
  name: 'sentry-from-checkout',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@sentry\// }, async (args) => {
      if (args.pluginData === 'sentry-from-checkout') return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'sentry-from-checkout',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** The build-time variables that turn on the source-map upload; a function never reads them. */
export interface SourceMapUploadEnv {
  SENTRY_AUTH_TOKEN?: string;
  SENTRY_ORG?: string;
  SENTRY_PROJECT?: string;
  /** A self-hosted Sentry; Sentry's SaaS when unset. */
  SENTRY_URL?: string;
}

/** Whether this build uploads its source maps, and if not, the one line that says why. */
export function sourceMapUpload(env: SourceMapUploadEnv = process.env): { upload: boolean; note: string } {
  const missing = (['SENTRY_AUTH_TOKEN', 'SENTRY_ORG', 'SENTRY_PROJECT'] as const).filter((name) => !env[name]);
  return missing.length === 0
    ? {
        upload: true,
        note: `source maps: uploading to ${env.SENTRY_URL ?? "Sentry's SaaS"} (${env.SENTRY_ORG}/${env.SENTRY_PROJECT})`,
      }
    : { upload: false, note: `source maps: not uploaded (${missing.join(', ')} not set); bundles carry debug IDs` };
}

/**
 * Sentry's own esbuild plugin: a debug ID in every bundle and its map — the key Sentry uses to find
 * the map for a stack frame, whatever the file is called once deployed — and, when the build has
 * the credentials, the maps uploaded. Its build-time instrumentation (code rewritten for
 * diagnostics-channel tracing) stays off: it would add to every cold start for tracing that is
 * off by default. Its telemetry to Sentry is off too.
 */
function sentryPlugin(release: string | undefined, env: SourceMapUploadEnv = process.env): Plugin {
  const { upload } = sourceMapUpload(env);
  return sentryEsbuildPlugin({
    authToken: upload ? env.SENTRY_AUTH_TOKEN : undefined,
    org: env.SENTRY_ORG,
    project: env.SENTRY_PROJECT,
    url: env.SENTRY_URL,
    telemetry: false,
    silent: !upload,
    buildTimeInstrumentation: false,
    // The release is ours (buildRelease, baked by bundleOptions); the maps are matched by debug ID.
    release: { name: release, inject: false, create: false, finalize: false },
    sourcemaps: { disable: upload ? false : 'disable-upload' },
    // A Sentry that is down must not fail a deploy, nor print a stack trace: one line, and on.
    errorHandler: (error) =>
      console.warn(`source maps: upload failed (${error.message.split('\n')[0]}); the build goes on without them`),
  }) as Plugin;
}

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
  { sdk = 'by-name' }: { sdk?: 'by-name' | 'from-checkout' } = {},
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
    plugins: [sdk === 'by-name' ? keepSentryExternal : sentryFromCheckout, sentryPlugin(release)],
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

/**
 * Bundles and keeps rebundling on change, for `pnpm dev` (netlify dev reloads the output); the
 * Sentry SDK is imported from this checkout (`sentryFromCheckout`), so these bundles are for this
 * machine only — `buildFunctions` makes the ones that deploy.
 */
export async function watchFunctions(outdir = functionsBuildDir): Promise<BuildContext> {
  rmSync(outdir, { recursive: true, force: true });
  const watcher = await context(bundleOptions(outdir, functionEntryPoints(), { sdk: 'from-checkout' }));
  await watcher.rebuild();
  await watcher.watch();
  return watcher;
}
