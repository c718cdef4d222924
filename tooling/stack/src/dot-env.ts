import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './netlify-dev.ts';

/**
 * Loads the repository's `.env` into `process.env`, the one way every command does it. Variables
 * already set in the shell win over the file, as with netlify dev.
 */
export function loadDotEnv(file = join(repositoryRoot, '.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
