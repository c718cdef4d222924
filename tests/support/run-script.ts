import { join } from 'node:path';
import { repositoryRoot } from '@app/stack/netlify-dev';
import type { ProcessResult } from '@app/stack/run-process';
import { runProcess } from '@app/stack/run-process';

/** Runs `scripts/<name>.ts` as `pnpm <name>` would, from the repository root. */
export function runScript(
  name: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessResult> {
  return runProcess(join(repositoryRoot, 'node_modules/.bin/tsx'), [`scripts/${name}.ts`, ...args], {
    cwd: repositoryRoot,
    env,
  });
}
