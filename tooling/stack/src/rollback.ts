import type { NetlifyApi } from './netlify-api.ts';

/** The fields of Netlify's deploy objects (`listSiteDeploys`) that a rollback needs. */
export interface Deploy {
  id: string;
  state: string;
  context: string;
  created_at: string;
  commit_ref?: string | null;
  deploy_url?: string;
  /** Auto-publishing stopped on this deploy (`lockDeploy`). */
  locked?: boolean | null;
}

/**
 * The deploy to restore: the newest successful (`ready`) production deploy created before the one
 * now published. Undefined when there is none.
 */
export function previousProductionDeploy(deploys: readonly Deploy[], publishedId: string): Deploy | undefined {
  const published = deploys.find((deploy) => deploy.id === publishedId);
  const before = published ? Date.parse(published.created_at) : Number.POSITIVE_INFINITY;
  return deploys
    .filter((d) => d.id !== publishedId && d.state === 'ready' && d.context === 'production')
    .filter((d) => Date.parse(d.created_at) < before)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
}

/**
 * The release health reports (`releaseId`) once `deploy` serves: the commit its build baked in,
 * else its deploy id — the same rule as `releaseOf` in @app/observability.
 */
export function releaseOfDeploy(deploy: Deploy): string {
  return deploy.commit_ref || deploy.id;
}

export interface RollbackPlan {
  siteId: string;
  /** The deploy published now. */
  liveId: string;
  /** The deploy to publish again. */
  target: Deploy;
}

/** Asks the API which deploy is live and which one a rollback restores; throws, in words, when there is none. */
export async function planRollback(api: NetlifyApi, siteId: string): Promise<RollbackPlan> {
  const liveId = await publishedDeployId(api, siteId);
  const deploys = await api<Deploy[]>('listSiteDeploys', { site_id: siteId });
  const target = previousProductionDeploy(deploys, liveId);
  if (target === undefined) throw new Error('no earlier successful production deploy to restore');
  return { siteId, liveId, target };
}

/**
 * The commands `pnpm rollback --execute` runs, for an operator without this checkout: publish the
 * target again (atomic, no rebuild), then lock it so that auto-publishing — the next push to the
 * production branch, or a build already queued — cannot replace it in the middle of the incident.
 */
export function rollbackCommands({ siteId, target }: RollbackPlan): string[] {
  return [
    `netlify api restoreSiteDeploy --data '${JSON.stringify({ site_id: siteId, deploy_id: target.id })}'`,
    `netlify api lockDeploy --data '${JSON.stringify({ deploy_id: target.id })}'`,
  ];
}

/** Publishes the plan's target again, then locks it (see `rollbackCommands`). */
export async function restoreAndLock(api: NetlifyApi, { siteId, target }: RollbackPlan): Promise<void> {
  await api('restoreSiteDeploy', { site_id: siteId, deploy_id: target.id });
  await api('lockDeploy', { deploy_id: target.id });
}

/** Re-enables auto-publishing on the published deploy, once a fix is on its way; returns that deploy's id. */
export async function unlockPublished(api: NetlifyApi, siteId: string): Promise<string> {
  const liveId = await publishedDeployId(api, siteId);
  await api('unlockDeploy', { deploy_id: liveId });
  return liveId;
}

async function publishedDeployId(api: NetlifyApi, siteId: string): Promise<string> {
  const site = await api<{ published_deploy?: { id?: string } | null }>('getSite', { site_id: siteId });
  const liveId = site.published_deploy?.id;
  if (liveId === undefined) throw new Error('the site has no published deploy');
  return liveId;
}

/**
 * Polls `<siteUrl>/api/health` until it reports `release` and returns how long that took; throws
 * after `timeoutMs`, naming the release it saw last (a CDN still serving the old one, or nothing).
 */
export async function waitForRelease(
  siteUrl: string,
  release: string,
  { timeoutMs = 300_000, intervalMs = 2_000 } = {},
): Promise<number> {
  const started = Date.now();
  let seen = 'no answer';
  for (;;) {
    try {
      const response = await fetch(new URL('/api/health', siteUrl), { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as { releaseId?: unknown };
      seen = typeof body.releaseId === 'string' ? `release ${body.releaseId}` : `HTTP ${response.status}`;
      if (body.releaseId === release) return Date.now() - started;
    } catch {
      seen = 'no answer';
    }
    if (Date.now() - started + intervalMs > timeoutMs) {
      throw new Error(`${siteUrl} did not report release ${release} within ${timeoutMs / 1000} s (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
