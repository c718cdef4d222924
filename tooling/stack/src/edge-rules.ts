import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * What Netlify's edge refuses before any function runs, for both local front doors — `pnpm dev`'s
 * proxy and `pnpm serve` — so that neither answers a client's mistake with a 502, a hang or
 * netlify dev's plain-text stack trace.
 */
export interface EdgeRefusal {
  status: 400 | 405;
  code: 'bad_request' | 'method_not_allowed';
  message: string;
  headers?: Record<string, string>;
}

/** The methods an HTTP API is served with. TRACE and CONNECT never reach a function. */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** `name`, `name:port`, `1.2.3.4:port` or `[v6]:port` — what RFC 9110 allows in `Host`. */
const validHost = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?$/i;

/** The pathname can be percent-decoded: a router that decodes it would throw. */
function isDecodablePath(url: string): boolean {
  try {
    decodeURIComponent(new URL(url, 'http://edge').pathname);
    return true;
  } catch {
    return false;
  }
}

/** The edge's answer to `request`, or undefined when it goes on to a function. */
export function edgeRefusal({ method = 'GET', url = '/', headers }: IncomingMessage): EdgeRefusal | undefined {
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    return {
      status: 405,
      code: 'method_not_allowed',
      message: `Use ${ALLOWED_METHODS.join(', ')}`,
      headers: { Allow: ALLOWED_METHODS.join(', ') },
    };
  }
  if (headers.host !== undefined && !validHost.test(headers.host)) {
    return { status: 400, code: 'bad_request', message: 'The Host header is not a valid host' };
  }
  if (!isDecodablePath(url)) {
    return { status: 400, code: 'bad_request', message: 'The path is not valid percent-encoding' };
  }
  return undefined;
}

/**
 * The request's headers without the `x-nf-*` ones: those are the platform's own (deploy context,
 * client IP, request id), which Netlify's edge sets and a client must not be able to forge.
 */
export function withoutPlatformHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('x-nf-')));
}

/**
 * Node's own answer to a request its parser refuses — an unknown method such as `BREW`, a header
 * too large, bytes that are not HTTP — is an empty `400`. Installed as a server's `clientError`
 * handler, this gives the standard error body instead, as every other refusal has.
 */
export function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (error.code === 'ECONNRESET' && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large']
      : [400, 'Bad Request', 'The request is not valid HTTP'];
  const body = JSON.stringify({ error: { code: status === 431 ? 'headers_too_large' : 'bad_request', message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
      `X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
