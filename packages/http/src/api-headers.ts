/**
 * Headers every API answer carries: no MIME sniffing of JSON, no caching unless the handler chose
 * a policy, and no body on HEAD (handlers answer HEAD as GET).
 */
export function withApiHeaders(response: Response, method: string): Response {
  response.headers.set('X-Content-Type-Options', 'nosniff');
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  if (method !== 'HEAD' || response.body === null) return response;
  return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
}
