/**
 * `pnpm check-env [--context production|deploy-preview|branch-deploy|dev]`: validates this shell's
 * environment plus `.env` for a deploy context — the gate before a deploy. Prints each problem by
 * variable name, never a value; exits 1 on any error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { deployContexts, formatProblems, isDeployContext, validateEnv } from '@app/env';
import { unknownFlagVariables } from '@app/flags';
import { repositoryRoot } from './lib/netlify-dev.ts';

const { values } = parseArgs({ options: { context: { type: 'string', default: 'dev' } } });
const context = values.context;
if (!isDeployContext(context)) {
  console.error(`Unknown --context "${context}". Use one of: ${deployContexts.join(', ')}.`);
  process.exit(2);
}

// The shell wins over .env, as with netlify dev.
const envFile = join(repositoryRoot, '.env');
const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
const report = validateEnv({ ...fromFile, ...process.env, CONTEXT: context }, context);

const warnings = [...report.warnings];
if (report.env) {
  for (const variable of unknownFlagVariables(report.env)) {
    warnings.push({ variable, message: 'matches no flag in packages/flags (a typo?)' });
  }
}
if (warnings.length > 0) console.warn(`Warnings for ${context}:\n${formatProblems(warnings)}`);
if (report.errors.length > 0) {
  console.error(`Environment is NOT valid for ${context}:\n${formatProblems(report.errors)}`);
  process.exit(1);
}
console.log(`Environment is valid for ${context}.`);
