import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipsDir } from '@app/runtime/zips';
import type { ProcessResult } from '@app/stack/run-process';
import { inject } from 'vitest';
import { runScript } from './run-script.ts';

/** Says which test run built the zips in .netlify/functions (not a zip: nothing serves or unpacks it). */
const marker = join(zipsDir, '.built-by-test-run');

/**
 * `pnpm build` — the zips exactly as Netlify builds them — once per test run: the files that only
 * read the zips share one build (about 25 s on 2 cores).
 */
export async function buildOnce(): Promise<void> {
  try {
    if (readFileSync(marker, 'utf8') === inject('runId')) return;
  } catch {
    // no build of this run yet
  }
  const build = await buildAgain();
  if (build.code !== 0) throw new Error(`pnpm build failed (exit ${build.code}):\n${build.output}`);
}

/**
 * `pnpm build` now, with `env` (a file that tests the build itself: its source-map upload). The
 * variables only change what the build uploads, not the zips, so a successful build is the run's
 * shared one too.
 */
export async function buildAgain(env: NodeJS.ProcessEnv = process.env): Promise<ProcessResult> {
  const build = await runScript('build', [], env);
  if (build.code === 0) writeFileSync(marker, inject('runId'));
  return build;
}
