/**
 * `pnpm check-env [--context production|deploy-preview|branch-deploy|dev]`: validates this shell's
 * environment plus `.env` for a deploy context — the gate before a deploy. Prints each problem by
 * variable name, never a value; exits 1 on any error.
 */
import type { DeployContext } from '@app/env';
import { deployContexts, formatProblems, validateEnv } from '@app/env';
import { unknownFlagVariables } from '@app/flags';
import { sourceMapUpload } from '@app/stack/build-functions';
import { checks, parseCommand } from '@app/stack/command';
import { loadDotEnv } from '@app/stack/dot-env';

const { values } = parseCommand({
  name: 'pnpm check-env',
  summary: "validates this shell's environment plus .env for a deploy context; names each problem, never a value",
  options: {
    context: {
      type: 'string',
      default: 'dev',
      valueName: '<context>',
      description: deployContexts.join(' | '),
      check: checks.oneOf(deployContexts),
    },
    'netlify-db': {
      type: 'boolean',
      default: false,
      description:
        'the site uses Netlify Database: NETLIFY_DB_URL is set by Netlify at runtime, so DATABASE_URL may be unset',
    },
  },
  examples: [
    'pnpm check-env --context production',
    'pnpm check-env --context deploy-preview',
    'pnpm check-env --context production --netlify-db',
  ],
  exitCodes: { 1: 'the environment is not valid for that context' },
});
const context = values.context as DeployContext;

// The shell wins over .env, as with netlify dev.
loadDotEnv();
const report = validateEnv({ ...process.env, CONTEXT: context }, context, {
  providedAtRuntime: values['netlify-db'] ? ['NETLIFY_DB_URL'] : [],
});

const warnings = [...report.warnings];
if (report.env) {
  for (const variable of unknownFlagVariables(report.env)) {
    warnings.push({ variable, message: 'matches no flag in packages/flags (a typo?)' });
  }
}
if (warnings.length > 0) console.warn(`Warnings for ${context}:\n${formatProblems(warnings)}`);
// A deployed context reads its variables from the deploy: a change applies once it is redeployed.
const redeployNote =
  context === 'dev'
    ? ''
    : `\nOn Netlify, a changed variable or flag applies with the next ${context} deploy (docs/deploy.md#redeploy).`;
if (report.errors.length > 0) {
  console.error(`Environment is NOT valid for ${context}:\n${formatProblems(report.errors)}${redeployNote}`);
  process.exit(1);
}
console.log(`Environment is valid for ${context}.${redeployNote}`);
// Build-time variables are not a function's concern; say what the build would do with them.
if (context !== 'dev') console.log(`Build time: ${sourceMapUpload().note}.`);
