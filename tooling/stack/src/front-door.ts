import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request as forward } from 'node:http';
import type { ErrorBody } from '@app/http';
import { answerUnparsableRequest, edgeRefusal, withoutPlatformHeaders } from './edge-rules.ts';

/**
 * Netlify refuses a synchronous function request whose body passes 6 MB with 413, before any
 * function runs. netlify dev does not: one such body ("Stream body too big") ends its process.
 */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface FrontDoorOptions {
  /** Where the public side listens. @default '127.0.0.1' */
  host?: string;
  port: number;
  /** netlify dev's own port on this machine. */
  upstreamPort: number;
  /** @default MAX_REQUEST_BYTES */
  maxRequestBytes?: number;
}

export interface FrontDoor {
  server: Server;
  close(): Promise<void>;
}

/** Answers with the standard error body, as Netlify's edge would; cuts the connection if headers went out. */
export function answerWithError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body: ErrorBody = { error: { code, message } };
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  // HEAD gets the headers only; Node drops the body of a HEAD answer itself.
  response.end(JSON.stringify(body));
}

/**
 * Past this much, a refused body is no longer drained: the connection is cut instead. Reading and
 * discarding costs no memory, and on loopback 1 GiB drains in about a second.
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024 * 1024;

/**
 * The whole body, or undefined when it passes `limit`. A refused body is still read to its end
 * (and thrown away) up to DRAIN_LIMIT_BYTES: a server that stops reading and closes with unread
 * data makes the kernel reset the connection, and the client never sees the 413.
 */
async function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > DRAIN_LIMIT_BYTES) request.destroy();
    else if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

/**
 * The request body, as Netlify's edge takes it: undefined once a body over `limit` has been
 * answered 413 with the standard error body (the caller then stops).
 */
export async function readBodyOr413(
  request: IncomingMessage,
  response: ServerResponse,
  limit = MAX_REQUEST_BYTES,
): Promise<Buffer | undefined> {
  const body = await readBoundedBody(request, limit);
  if (body === undefined) {
    answerWithError(response, 413, 'payload_too_large', `The request body must be at most ${limit} bytes`);
  }
  return body;
}

/**
 * `pnpm dev`'s public port: a small HTTP proxy in front of netlify dev that answers, the way
 * Netlify's edge does, the requests netlify dev would mishandle — a body over 6 MB (413, which
 * kills its process), a path that is not valid percent-encoding or a malformed Host (400), TRACE
 * and other methods no function serves (405, not netlify dev's plain-text stack trace) — with the
 * standard error body (edge-rules.ts, shared with `pnpm serve`). It drops the client's `x-nf-*`
 * headers, as the edge does: `x-nf-deploy-context` must not turn a dev request into a production
 * one. It listens on loopback unless told otherwise.
 */
export async function startFrontDoor({
  host = '127.0.0.1',
  port,
  upstreamPort,
  maxRequestBytes = MAX_REQUEST_BYTES,
}: FrontDoorOptions): Promise<FrontDoor> {
  const server = createServer(async function frontDoor(request, response) {
    try {
      const refusal = edgeRefusal(request);
      if (refusal) return answerWithError(response, refusal.status, refusal.code, refusal.message, refusal.headers);
      const body = await readBodyOr413(request, response, maxRequestBytes);
      if (body === undefined) return;
      const headers = { ...withoutPlatformHeaders(request.headers), 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const upstream = forward(
        { host: '127.0.0.1', port: upstreamPort, method: request.method, path: request.url, headers },
        (reply) => {
          response.writeHead(reply.statusCode ?? 502, reply.statusMessage, reply.headers);
          reply.pipe(response);
          reply.once('error', () => response.destroy());
        },
      );
      upstream.once('error', () =>
        answerWithError(response, 502, 'bad_gateway', 'netlify dev did not answer; see the pnpm dev terminal'),
      );
      upstream.end(body);
    } catch {
      // A client that hung up mid-body, or anything else about one request: never the server.
      answerWithError(response, 400, 'bad_request', 'The request could not be read');
    }
  });
  server.on('clientError', answerUnparsableRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
