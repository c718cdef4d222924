import { isIP } from 'node:net';

/**
 * True when a URL points at this machine: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`,
 * `0.0.0.0` or `::`. Such a URL in production means a local `.env` leaked into a deploy.
 */
export function isLocalUrl(value: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(value).hostname.toLowerCase();
  } catch {
    return false;
  }
  return isLocalHostname(hostname);
}

export function isLocalHostname(host: string): boolean {
  const hostname = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.') || hostname === '0.0.0.0';
  if (isIP(hostname) === 6) return hostname === '::1' || hostname === '::' || /^::ffff:(127\.|7f)/.test(hostname);
  return false;
}
