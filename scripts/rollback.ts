/**
 * `pnpm rollback [--site <id>]`: prints the exact command that restores the production deploy
 * before the one now live, with what it was (commit, date). It changes nothing itself: the
 * operator runs the printed line. Needs netlify-cli logged in (or NETLIFY_AUTH_TOKEN) and the site
 * id (`--site`, NETLIFY_SITE_ID, or a linked `.netlify/state.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommand } from '@app/stack/command';
import { repositoryRoot, runNetlify } from '@app/stack/netlify-dev';
import type { Deploy } from '@app/stack/rollback';
import { previousProductionDeploy, restoreCommand } from '@app/stack/rollback';

const { values } = parseCommand({
  name: 'pnpm rollback',
  summary: 'prints the command that restores the production deploy before the live one; changes nothing itself',
  options: {
    site: {
      type: 'string',
      valueName: '<site-id>',
      description: 'the Netlify site (default: NETLIFY_SITE_ID, then the linked site)',
    },
  },
  examples: ['pnpm rollback', 'pnpm rollback --site 1234abcd-…'],
  exitCodes: { 1: 'the Netlify API could not be asked, or there is no earlier production deploy' },
});
const stateFile = join(repositoryRoot, '.netlify/state.json');
const siteId =
  values.site ??
  process.env.NETLIFY_SITE_ID ??
  (existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { siteId?: string }).siteId : undefined);
if (siteId === undefined) {
  console.error('No site id: pass --site <id>, set NETLIFY_SITE_ID, or run `netlify link` first.');
  process.exit(2);
}

async function api<T>(method: string, data: Record<string, string>): Promise<T> {
  const { code, stdout, stderr } = await runNetlify(['api', method, '--data', JSON.stringify(data)]);
  if (code !== 0) throw new Error(`netlify api ${method} failed: ${stderr.trim() || `exit ${code}`}`);
  return JSON.parse(stdout) as T;
}

try {
  const site = await api<{ published_deploy?: { id: string } }>('getSite', { site_id: siteId });
  const publishedId = site.published_deploy?.id;
  if (publishedId === undefined) throw new Error('the site has no published deploy');
  const deploys = await api<Deploy[]>('listSiteDeploys', { site_id: siteId });
  const target = previousProductionDeploy(deploys, publishedId);
  if (target === undefined) throw new Error('no earlier successful production deploy to restore');
  console.log(`Live now:     ${publishedId}`);
  console.log(`Restore to:   ${target.id} (commit ${target.commit_ref ?? 'unknown'}, built ${target.created_at})`);
  console.log(`Run this (takes effect in seconds, no rebuild):\n\n  ${restoreCommand(siteId, target)}\n`);
  console.log('Then: pnpm smoke <site-url>');
} catch (error) {
  console.error(`Cannot plan a rollback: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
