import { join } from 'node:path';
import { repositoryRoot } from '../../scripts/lib/netlify-dev.ts';
import type { ProcessResult } from '../../scripts/lib/run-process.ts';
import { runProcess } from '../../scripts/lib/run-process.ts';

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
