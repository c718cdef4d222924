import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The Lambda event Netlify sends a function (the fields its bootstrap reads). */
export interface LambdaEvent {
  rawUrl: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  body: string | undefined;
  isBase64Encoded: boolean;
  flags: Record<string, unknown>;
  /** Netlify Database's URL for this invocation: the bootstrap sets `NETLIFY_DB_URL` from it. */
  netlifyDBURL?: string;
}

/** What the platform knows about the deploy, sent to the function as `x-nf-*` headers. */
export interface DeployInfo {
  /** `production`, `deploy-preview`, `branch-deploy`. */
  context: string;
  id: string;
  branch: string;
  siteId: string;
}

export interface EventInput {
  method: string;
  /** As the client sent it: path and query. Rewrites do not change what the function sees. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  clientIp: string;
  deploy: DeployInfo;
  /** Sent with every event when the site uses Netlify Database (it can change between events). */
  netlifyDBURL?: string | undefined;
}

/**
 * The event for one request, shaped as Netlify's edge sends it to Lambda: the original URL, headers
 * in lower case (repeated ones joined), the body base64-encoded, and the `x-nf-*` headers from which
 * the bootstrap builds `context` (deploy, site, request id, client IP). A client cannot forge them:
 * any `x-nf-*` header it sent is dropped first, as the edge does.
 */
export function toLambdaEvent({ method, url, headers, body, clientIp, deploy, netlifyDBURL }: EventInput): LambdaEvent {
  const eventHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith('x-nf-')) continue;
    eventHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  Object.assign(eventHeaders, {
    'x-nf-request-id': randomBytes(13).toString('hex').toUpperCase(),
    'x-nf-client-connection-ip': clientIp,
    'x-nf-deploy-context': deploy.context,
    'x-nf-deploy-id': deploy.id,
    'x-nf-deploy-published': deploy.context === 'production' ? '1' : '0',
    'x-nf-branch': deploy.branch,
    'x-nf-site-id': deploy.siteId,
  });
  const rawUrl = new URL(url, `http://${headers.host ?? 'localhost'}`);
  return {
    rawUrl: rawUrl.href,
    path: rawUrl.pathname,
    httpMethod: method,
    headers: eventHeaders,
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: true,
    flags: {},
    ...(netlifyDBURL === undefined ? {} : { netlifyDBURL }),
  };
}
