import { isIP } from 'node:net';

/**
 * True when a URL points at this machine: `localhost`, `*.localhost`, 127.0.0.0/8, 0.0.0.0/8,
 * `::1`, `::` or an IPv4-mapped loopback, in any spelling a resolver accepts. Such a URL in
 * production means a local `.env` leaked into a deploy. A URL with no host at all counts as local
 * too: a driver falls back to this machine's socket for it.
 */
export function isLocalUrl(value: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(value).hostname.toLowerCase();
  } catch {
    return false;
  }
  return hostname === '' || isLocalHostname(hostname);
}

export function isLocalHostname(host: string): boolean {
  const hostname = canonicalHost(host);
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.') || hostname.startsWith('0.');
  if (isIP(hostname) === 6)
    return hostname === '::1' || hostname === '::' || /^::ffff:(127\.|7f|0\.|0?0?[0-9a-f]{0,2}:)/.test(hostname);
  return false;
}

/**
 * The host as a resolver sees it. URLs with a non-special scheme (`postgres:`) keep their host as
 * written, but `inet_aton` — used by libpq and by Node's resolver — also reads `127.1`,
 * `0x7f000001`, `2130706433` and `0` as IPv4 addresses. Re-parsing the host as an `http:` URL
 * applies the WHATWG IPv4 rules, which accept those same spellings, and gives the dotted form.
 */
function canonicalHost(host: string): string {
  const bare = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(bare) === 6 || bare === '') return bare;
  try {
    return new URL(`http://${bare}/`).hostname.replace(/\.$/, '');
  } catch {
    return bare;
  }
}
