import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP/1.1 request as a client may really send it — any method (TRACE, which fetch refuses),
 * any Host, any path bytes — resolved once the whole answer has arrived. A server that never ends
 * its answer fails the test in `timeoutMs`, not at the test's own timeout.
 */
export function rawRequest(
  baseUrl: string,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: hostname, port, method, path, headers, setHost: !('Host' in headers) },
      (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          text += chunk;
        });
        answer.once('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: text }));
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(new Error(`${method} ${path}: no complete answer in ${timeoutMs} ms`)),
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
