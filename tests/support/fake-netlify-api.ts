import { createServer } from 'node:http';
import type { Deploy } from '@app/stack/rollback';

export interface FakeNetlifyApi {
  /** `NETLIFY_API_URL` for netlify-cli; also a site whose `/api/health` reports the published deploy's release. */
  url: string;
  token: string;
  siteId: string;
  /** `METHOD path` of every API request, in order. */
  requests: string[];
  published(): string;
  deploy(id: string): Deploy;
  /** How many times the site's health was asked. */
  healthChecks(): number;
  close(): Promise<void>;
}

export interface FakeNetlifyApiOptions {
  deploys: Deploy[];
  published: string;
  /** Health keeps reporting the old release for this many checks after a restore (a CDN catching up). */
  healthLag?: number;
}

/**
 * A local stand-in for the part of Netlify's API a rollback uses, answering as the real one does
 * (paths and bodies of its OpenAPI spec): `getSite`, `listSiteDeploys`, `restoreSiteDeploy`,
 * `lockDeploy`, `unlockDeploy`, and the accounts list netlify-cli asks for first. Requests without
 * the token get the API's 401. The same server plays the site: `/api/health` reports the release
 * of the deploy published `healthLag` checks ago.
 */
export async function startFakeNetlifyApi({
  deploys,
  published: initial,
  healthLag = 0,
}: FakeNetlifyApiOptions): Promise<FakeNetlifyApi> {
  const token = 'netlify-token-for-tests-0123456789';
  const siteId = 'site-under-test';
  const requests: string[] = [];
  const byId = new Map(deploys.map((deploy) => [deploy.id, { ...deploy }]));
  let published = initial;
  let serving = initial;
  let lag = 0;
  let healthChecks = 0;

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const json = (status: number, value: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    request.resume();
    if (path === '/api/health') {
      healthChecks += 1;
      if (lag > 0) lag -= 1;
      else serving = published;
      const deploy = byId.get(serving);
      return json(200, { status: 'pass', releaseId: deploy?.commit_ref || deploy?.id });
    }
    requests.push(`${request.method} ${path}`);
    if (request.headers.authorization !== `Bearer ${token}`) return json(401, { code: 401, message: 'Unauthorized' });
    const route = `${request.method} ${path}`.replace(siteId, ':site');
    const deployId = /\/deploys\/([^/]+)/.exec(path)?.[1] ?? '';
    const deploy = byId.get(deployId);
    if (route === 'GET /api/v1/accounts') return json(200, []);
    if (route === 'GET /api/v1/sites/:site') return json(200, { id: siteId, published_deploy: byId.get(published) });
    if (route === 'GET /api/v1/sites/:site/deploys') return json(200, [...byId.values()]);
    if (deploy === undefined) return json(404, { code: 404, message: 'Not Found' });
    if (route === `POST /api/v1/sites/:site/deploys/${deployId}/restore`) {
      published = deployId;
      lag = healthLag;
      return json(201, deploy);
    }
    if (route === `POST /api/v1/deploys/${deployId}/lock` || route === `POST /api/v1/deploys/${deployId}/unlock`) {
      deploy.locked = path.endsWith('/lock');
      return json(200, deploy);
    }
    return json(404, { code: 404, message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    token,
    siteId,
    requests,
    published: () => published,
    deploy: (id) => byId.get(id) as Deploy,
    healthChecks: () => healthChecks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
