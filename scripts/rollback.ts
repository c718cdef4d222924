/**
 * `pnpm rollback`: puts the production deploy before the live one back, in one command that sticks.
 *
 *   pnpm rollback                       the plan: which deploy is live, which one comes back, the API calls
 *   pnpm rollback --execute [--yes]     restores it and locks it (auto-publishing off), after a confirmation
 *                 [--url <site-url>]    … then waits until the site's health reports the restored release
 *   pnpm rollback --unlock              auto-publishing back on, once a fix is live
 *
 * It talks to Netlify's API through netlify-cli (`netlify api`): its login or NETLIFY_AUTH_TOKEN,
 * NETLIFY_API_URL when set, the site from `--site`, NETLIFY_SITE_ID or a linked `.netlify/state.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { checks, parseCommand } from '@app/stack/command';
import { netlifyApi } from '@app/stack/netlify-api';
import { repositoryRoot } from '@app/stack/netlify-dev';
import type { RollbackPlan } from '@app/stack/rollback';
import {
  planRollback,
  releaseOfDeploy,
  restoreAndLock,
  rollbackCommands,
  unlockPublished,
  waitForRelease,
} from '@app/stack/rollback';

/** The seed's recovery target: a rollback reverts in under five minutes. */
const TARGET_SECONDS = 300;

const { values } = parseCommand({
  name: 'pnpm rollback',
  summary: 'restores the production deploy before the live one and locks it; without --execute, prints the plan',
  options: {
    site: {
      type: 'string',
      valueName: '<site-id>',
      description: 'the Netlify site (default: NETLIFY_SITE_ID, then the linked site)',
    },
    execute: { type: 'boolean', default: false, description: 'restore and lock the previous deploy (asks first)' },
    yes: { type: 'boolean', default: false, description: 'with --execute: do not ask (for scripts)' },
    url: {
      type: 'string',
      valueName: '<site-url>',
      description: 'with --execute: wait until this site reports the restored release',
      check: checks.httpUrl,
    },
    wait: {
      type: 'string',
      default: '300',
      valueName: '<seconds>',
      description: 'how long --url waits',
      check: checks.integer(1, 3600),
    },
    unlock: { type: 'boolean', default: false, description: 'turn auto-publishing back on for the published deploy' },
  },
  examples: ['pnpm rollback', 'pnpm rollback --execute --url https://example.netlify.app', 'pnpm rollback --unlock'],
  exitCodes: {
    1: 'the Netlify API failed, there is no earlier production deploy, the answer was not yes, or the site never reported the restored release',
  },
});

const siteId = values.site ?? process.env.NETLIFY_SITE_ID ?? linkedSiteId();
if (siteId === undefined) fail('No site id: pass --site <id>, set NETLIFY_SITE_ID, or run `netlify link` first.', 2);
if (values.execute && values.unlock) fail('pnpm rollback: --execute and --unlock are separate steps; run one.', 2);

try {
  if (values.unlock) {
    const id = await unlockPublished(netlifyApi, siteId);
    console.log(`Auto-publishing is on again: the next production deploy replaces ${id}.`);
  } else {
    const started = Date.now();
    const plan = await planRollback(netlifyApi, siteId);
    printPlan(plan);
    if (values.execute) await execute(plan, started);
  }
} catch (error) {
  fail(`pnpm rollback failed: ${error instanceof Error ? error.message : error}`, 1);
}

function printPlan(plan: RollbackPlan): void {
  const { liveId, target } = plan;
  console.log(`Live now:     ${liveId}`);
  console.log(`Restore to:   ${target.id} (commit ${target.commit_ref ?? 'unknown'}, built ${target.created_at})`);
  if (values.execute) return;
  console.log('`pnpm rollback --execute` runs these two calls (in seconds, no rebuild), the second one so');
  console.log('that no push or queued build publishes over the rollback:\n');
  for (const command of rollbackCommands(plan)) console.log(`  ${command}`);
  console.log('\nThen: pnpm smoke <site-url>; once a fix is live: pnpm rollback --unlock');
}

async function execute(plan: RollbackPlan, started: number): Promise<void> {
  if (!values.yes && !(await confirmed(`Restore ${plan.target.id} and lock it? Type yes: `))) {
    fail('Nothing changed.', 1);
  }
  await restoreAndLock(netlifyApi, plan);
  console.log(`Restored ${plan.target.id} and locked it: auto-publishing is off until \`pnpm rollback --unlock\`.`);
  if (values.url !== undefined) {
    const release = releaseOfDeploy(plan.target);
    await waitForRelease(values.url, release, { timeoutMs: Number(values.wait) * 1000 });
    console.log(`${values.url} reports release ${release}.`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `Rolled back in ${seconds} s (target: under ${TARGET_SECONDS / 60} min${seconds > TARGET_SECONDS ? ': MISSED' : ''}).`,
  );
}

async function confirmed(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    fail('pnpm rollback --execute asks for confirmation on a terminal; pass --yes to run it from a script.', 2);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    prompt.close();
  }
}

function linkedSiteId(): string | undefined {
  const stateFile = join(repositoryRoot, '.netlify/state.json');
  return existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { siteId?: string }).siteId
    : undefined;
}

function fail(message: string, code: 1 | 2): never {
  console.error(message);
  process.exit(code);
}
