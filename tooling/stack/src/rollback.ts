/** The fields of Netlify's deploy objects (`netlify api listSiteDeploys`) that choosing a rollback needs. */
export interface Deploy {
  id: string;
  state: string;
  context: string;
  created_at: string;
  commit_ref?: string | null;
  deploy_url?: string;
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

/** The one command that publishes `deploy` again (atomic: Netlify switches the live deploy). */
export function restoreCommand(siteId: string, deploy: Deploy): string {
  return `netlify api restoreSiteDeploy --data '${JSON.stringify({ site_id: siteId, deploy_id: deploy.id })}'`;
}
