import type { TestContext } from 'vitest';
import { describe, it } from 'vitest';
import type { FakeNetlifyApiOptions } from './support/fake-netlify-api.ts';
import { startFakeNetlifyApi } from './support/fake-netlify-api.ts';
import { runScript } from './support/run-script.ts';

const deploys: FakeNetlifyApiOptions['deploys'] = [
  { id: 'd4', state: 'ready', context: 'production', created_at: '2026-12-02T10:00:00Z', commit_ref: 'c4' },
  { id: 'd3', state: 'error', context: 'production', created_at: '2026-12-01T10:00:00Z', commit_ref: 'c3' },
  { id: 'dp', state: 'ready', context: 'deploy-preview', created_at: '2026-11-30T12:00:00Z', commit_ref: 'cp' },
  { id: 'd2', state: 'ready', context: 'production', created_at: '2026-11-30T10:00:00Z', commit_ref: 'c2' },
];

/** `pnpm rollback` through netlify-cli against a fresh stand-in of Netlify's API (published: d4). */
async function rollback(
  { onTestFinished }: TestContext,
  args: string[] | ((siteUrl: string) => string[]),
  options: Partial<FakeNetlifyApiOptions> = {},
  token?: string,
) {
  const api = await startFakeNetlifyApi({ deploys, published: 'd4', ...options });
  onTestFinished(() => api.close());
  const result = await runScript('rollback', typeof args === 'function' ? args(api.url) : args, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NETLIFY_API_URL: api.url,
    NETLIFY_AUTH_TOKEN: token ?? api.token,
    NETLIFY_SITE_ID: api.siteId,
  });
  return { api, ...result };
}

const writes = (requests: string[]) => requests.filter((request) => request.startsWith('POST'));

// Each test has its own stand-in and only runs commands: they can run side by side.
describe.concurrent('pnpm rollback against a stand-in of Netlify API', () => {
  it('should print the plan and the two calls, and change nothing', async (context) => {
    const { expect } = context;
    const { api, code, output } = await rollback(context, []);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Live now: +d4/);
    expect(output).toMatch(/Restore to: +d2 \(commit c2/);
    expect(output).toContain(`netlify api restoreSiteDeploy --data '{"site_id":"${api.siteId}","deploy_id":"d2"}'`);
    expect(output).toContain(`netlify api lockDeploy --data '{"deploy_id":"d2"}'`);
    expect(writes(api.requests)).toEqual([]);
  });

  it('should restore the previous production deploy, lock it, and wait until the site reports it', async (context) => {
    const { expect } = context;
    const { api, code, output } = await rollback(context, (site) => ['--execute', '--yes', '--url', site]);
    expect(code, output).toBe(0);
    expect(writes(api.requests)).toEqual([
      `POST /api/v1/sites/${api.siteId}/deploys/d2/restore`,
      'POST /api/v1/deploys/d2/lock',
    ]);
    expect(api.published()).toBe('d2');
    expect(api.deploy('d2').locked).toBe(true);
    expect(output).toContain('reports release c2.');
    expect(output).toMatch(/Rolled back in \d+ s \(target: under 5 min\)/);
  });

  it('should wait for the restored release behind a lagging site, then say how long the rollback took', async (context) => {
    const { expect } = context;
    const { api, code, output } = await rollback(context, (site) => ['--execute', '--yes', '--url', site], {
      healthLag: 1,
    });
    expect(code, output).toBe(0);
    expect(api.healthChecks()).toBeGreaterThanOrEqual(2); // the lagging answer, then the restored one
    expect(output).toContain(`${api.url} reports release c2.`);
    expect(output).toMatch(/Rolled back in \d+ s/);
  });

  it('should fail naming the release it last saw when the site never reports the restored one', async (context) => {
    const { expect } = context;
    const { code, output } = await rollback(context, (site) => ['--execute', '--yes', '--url', site, '--wait', '3'], {
      healthLag: 1_000,
    });
    expect(code).toBe(1);
    expect(output).toMatch(/did not report release c2 within 3 s \(last: release c4\)/);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('should refuse to run without a terminal to confirm on, unless --yes is given', async (context) => {
    const { expect } = context;
    const { api, code, output } = await rollback(context, ['--execute']);
    expect(code).toBe(2);
    expect(output).toContain('pass --yes');
    expect(writes(api.requests)).toEqual([]);
  });

  it('should unlock the published deploy', async (context) => {
    const { expect } = context;
    const { api, code, output } = await rollback(context, ['--unlock'], { published: 'd2' });
    expect(code, output).toBe(0);
    expect(writes(api.requests)).toEqual(['POST /api/v1/deploys/d2/unlock']);
    expect(api.deploy('d2').locked).toBe(false);
    expect(output).toContain('Auto-publishing is on again');
  });

  it('should fail in one line when the API refuses the token, printing no token', async (context) => {
    const { expect } = context;
    const wrong = 'wrong-token-do-not-print-0123456789';
    const { code, output } = await rollback(context, ['--execute', '--yes'], {}, wrong);
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      expect.stringMatching(/^pnpm rollback failed: netlify api getSite failed: /),
    ]);
    expect(output).not.toContain(wrong);
  });
});
