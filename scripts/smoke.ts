/**
 * `pnpm smoke <base-url> [--sentry] [--timeout 120]`: checks a deployed (or local) site: health
 * `pass` at both URLs, the proposals list, the standard 404 body, the server's statement limit (set,
 * and at most DB_STATEMENT_TIMEOUT_MS from this shell or .env), and with `--sentry` a deliberate
 * error whose errorId it prints. Failing checks are retried — at least once — until `--timeout`
 * seconds pass (a fresh deploy warms up), then it exits 1 with one line per reason.
 */
import { databaseDefaults } from '@app/env';
import { checks as optionChecks, parseCommand } from '@app/stack/command';
import { loadDotEnv } from '@app/stack/dot-env';
import type { SmokeCheck } from '@app/stack/smoke-checks';
import { sentryCheck, smokeChecks, statementLimitCheck } from '@app/stack/smoke-checks';

const { values, positionals } = parseCommand({
  name: 'pnpm smoke',
  summary: 'post-deploy checks of a site (health, proposals, the error body), retried while it warms up',
  positionals: [
    {
      name: 'base-url',
      description: 'the site, e.g. https://deploy-preview-1--site.netlify.app',
      required: true,
      check: optionChecks.httpUrl,
    },
  ],
  options: {
    sentry: { type: 'boolean', default: false, description: 'also throw a deliberate error and print its errorId' },
    timeout: {
      type: 'string',
      default: '120',
      valueName: '<seconds>',
      description: 'keep retrying failing checks this long',
      check: optionChecks.integer(1, 3_600),
    },
  },
  examples: ['pnpm smoke http://localhost:8888', 'pnpm smoke https://deploy-preview-12--site.netlify.app --sentry'],
  exitCodes: { 1: 'a check still failed when the time ran out (one line per reason)' },
});
const baseUrl = positionals[0] as string;
const deadline = Date.now() + Number(values.timeout) * 1000;
loadDotEnv();
// The limit the app is configured with, from this shell or .env: the server must enforce it or less.
const expectedStatementTimeoutMs = Number(
  process.env.DB_STATEMENT_TIMEOUT_MS || databaseDefaults.DB_STATEMENT_TIMEOUT_MS,
);
const checks: SmokeCheck[] = [
  ...smokeChecks,
  statementLimitCheck(expectedStatementTimeoutMs),
  ...(values.sentry ? [sentryCheck] : []),
];

const reason = (error: unknown) =>
  error instanceof Error
    ? error.cause instanceof Error
      ? `${error.message} (${error.cause.message})`
      : error.message
    : String(error);

let pending = checks;
const failures = new Map<string, string>();
for (let attempt = 1; pending.length > 0; attempt += 1) {
  const stillFailing: SmokeCheck[] = [];
  for (const check of pending) {
    try {
      console.log(`ok   ${check.name}: ${await check.run(baseUrl)}`);
      failures.delete(check.name);
    } catch (error) {
      failures.set(check.name, reason(error));
      stillFailing.push(check);
    }
  }
  pending = stillFailing;
  // At least one retry, however slowly the first round answered: a fresh deploy warming up (or a
  // loaded machine) must not fail on its first answers alone.
  if (pending.length === 0 || (Date.now() > deadline && attempt >= 2)) break;
  console.log(`wait ${pending.map((check) => check.name).join(', ')} (attempt ${attempt}); retrying`);
  await new Promise((resolve) => setTimeout(resolve, Math.min(3_000, Math.max(500, deadline - Date.now()))));
}

if (failures.size > 0) {
  for (const [name, why] of failures) console.error(`FAIL ${name}: ${why}`);
  process.exit(1);
}
console.log(`Smoke checks passed for ${baseUrl}`);
