import { describe, expect, it } from 'vitest';
import type { Deploy } from './rollback.ts';
import { previousProductionDeploy, releaseOfDeploy, rollbackCommands } from './rollback.ts';

const deploy = (id: string, created: string, extra: Partial<Deploy> = {}): Deploy => ({
  id,
  state: 'ready',
  context: 'production',
  created_at: `2026-11-${created}T10:00:00Z`,
  ...extra,
});

describe('previousProductionDeploy', () => {
  const deploys = [
    deploy('d5', '25', { context: 'deploy-preview' }),
    deploy('d4', '24'),
    deploy('d3', '23', { state: 'error' }),
    deploy('d2', '22'),
    deploy('d1', '21'),
  ];

  it('should pick the newest ready production deploy older than the published one', () => {
    expect(previousProductionDeploy(deploys, 'd4')?.id).toBe('d2');
  });

  it('should skip previews and failed deploys', () => {
    expect(previousProductionDeploy(deploys, 'd5')?.id).toBe('d4');
  });

  it('should find nothing before the first deploy', () => {
    expect(previousProductionDeploy(deploys, 'd1')).toBeUndefined();
  });

  it('should print the restore and the lock call for the chosen deploy', () => {
    expect(rollbackCommands({ siteId: 'site-1', liveId: 'd4', target: deploy('d2', '22') })).toEqual([
      `netlify api restoreSiteDeploy --data '{"site_id":"site-1","deploy_id":"d2"}'`,
      `netlify api lockDeploy --data '{"deploy_id":"d2"}'`,
    ]);
  });
});

describe('releaseOfDeploy', () => {
  it("should be the deploy's commit, as the build bakes it, else its id", () => {
    expect(releaseOfDeploy(deploy('d2', '22', { commit_ref: 'abc123' }))).toBe('abc123');
    expect(releaseOfDeploy(deploy('d2', '22', { commit_ref: null }))).toBe('d2');
  });
});
