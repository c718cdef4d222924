import { join } from 'node:path';
import { runProcess } from '@app/stack/run-process';
import { expect } from 'vitest';

/**
 * Runs `script` (an ES module's source, given the function's bundle path and `args` in
 * `process.argv`) in a fresh Node process inside an unpacked zip — outside the repository, so
 * nothing resolves from the workspace's node_modules — as `dev` with `env` on top, and returns the
 * last line it printed, parsed as JSON.
 */
export async function runInUnpackedZip<T>(
  dir: string,
  name: string,
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<T> {
  const result = await runProcess(
    process.execPath,
    ['--input-type=module', '-e', script, join(dir, 'dist/functions', `${name}.mjs`), ...args],
    { cwd: dir, env: { PATH: process.env.PATH, CONTEXT: 'dev', LOG_LEVEL: 'error', ...env } },
  );
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
