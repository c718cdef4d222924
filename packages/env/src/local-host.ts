import { isIP } from 'node:net';

/**
 * True when a URL points at this machine: `localhost`, `*.localhost`, 127.0.0.0/8, 0.0.0.0/8,
 * `::1`, `::` or an IPv4-mapped loopback, in any spelling a resolver accepts. Such a URL in
 * production means a local `.env` leaked into a deploy. A host that is not a network host counts
 * as local too: none at all or a socket directory (`%2Fvar%2Frun…`), where a driver falls back to
 * this machine's socket. Every host the URL names is checked: PostgreSQL drivers also read `host`
 * and `hostaddr` from the query string (`?host=localhost`), each possibly a comma-separated list.
 */
export function isLocalUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return hostsOf(url).some((host) => !isNetworkHost(host) || isLocalHostname(host));
}

/** The URL's own host and, for a postgres URL, those its query names (as drivers read them). */
function hostsOf(url: URL): string[] {
  const own = safeDecode(url.hostname);
  if (!/^postgres(ql)?:$/.test(url.protocol)) return [own];
  const named = ['host', 'hostaddr'].flatMap((name) =>
    url.searchParams.getAll(name).flatMap((list) => list.split(',')),
  );
  return [own, ...named.map((host) => host.trim())];
}

/** A name or an address a resolver can look up — not empty, not a socket path, nothing left encoded. */
function isNetworkHost(host: string): boolean {
  return /^(?:\[[0-9a-f:.]+\]|[0-9a-z:._-]+)$/i.test(host);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function isLocalHostname(host: string): boolean {
  const hostname = canonicalHost(host);
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 6) {
    if (hostname === '::1' || hostname === '::') return true;
    const mapped = mappedIpv4(hostname);
    return mapped !== undefined && isLocalIpv4(mapped);
  }
  return isIP(hostname) === 4 && isLocalIpv4(hostname);
}

/** 127.0.0.0/8 (loopback) and 0.0.0.0/8 ("this host"). */
const isLocalIpv4 = (address: string) => address.startsWith('127.') || address.startsWith('0.');

/** The IPv4 address inside an IPv4-mapped IPv6 one, written `::ffff:127.0.0.1` or `::ffff:7f00:1`. */
function mappedIpv4(hostname: string): string | undefined {
  const tail = /^::ffff:(.+)$/.exec(hostname)?.[1];
  if (tail === undefined) return undefined;
  if (isIP(tail) === 4) return tail;
  const groups = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (!groups?.[1] || !groups[2]) return undefined;
  const high = Number.parseInt(groups[1], 16);
  const low = Number.parseInt(groups[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
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
