import { describe, expect, it } from 'vitest';
import { isLocalHostname, isLocalUrl } from './local-host.ts';

describe('isLocalUrl', () => {
  it.each([
    'http://localhost:8888',
    'http://api.localhost/',
    'postgres://u:p@127.0.0.1/db',
    'http://127.255.1.1',
    'http://[::1]:80',
    'http://0.0.0.0',
    'http://[::ffff:127.0.0.1]/',
    'http://LOCALHOST.',
    // Spellings inet_aton reads as loopback; a postgres: URL keeps them as written.
    'postgres://u:p@127.1/db',
    'postgres://u:p@0x7f000001/db',
    'postgres://u:p@2130706433:5432/db',
    'postgres://u:p@0/db',
    'postgres://u:p@0177.0.0.1/db',
    'postgresql://u:p@[0:0:0:0:0:0:0:1]/db',
    'postgres://u:p@[::ffff:7f00:1]/db',
    'postgres://u:p@[::ffff:0:1]/db',
    // No host: drivers fall back to the local socket.
    'postgres:///db',
    // A socket directory as the host, and hosts in the query string, which drivers also read.
    'postgres://u:p@%2Fvar%2Frun%2Fpostgresql/db',
    'postgres://u:p@ep-x-pooler.neon.tech/db?host=localhost',
    'postgres://u:p@ep-x-pooler.neon.tech/db?sslmode=require&host=ep-y.neon.tech,127.0.0.1',
    'postgres://u:p@ep-x-pooler.neon.tech/db?hostaddr=127.0.0.1',
    'postgres://u:p@ep-x-pooler.neon.tech/db?host=%2Ftmp',
  ])('should treat %s as local', (url) => {
    expect(isLocalUrl(url)).toBe(true);
  });

  it.each([
    'postgres://u:p@ep-x-pooler.neon.tech/db',
    'https://o1.ingest.sentry.io/2',
    'http://128.0.0.1',
    'postgres://u:p@128.1/db',
    'postgres://u:p@[::ffff:7ff:1]/db',
    'http://[::ffff:8.8.8.8]/',
    'http://localhost.example.com',
    'postgres://u:p@0x7f.example.com/db',
    'postgres://u:p@ep-x-pooler.neon.tech/db?sslmode=require&host=ep-x.neon.tech',
    'not a url',
  ])('should treat %s as remote', (url) => {
    expect(isLocalUrl(url)).toBe(false);
  });
});

describe('isLocalHostname', () => {
  it('should read a bare address the way the WebSocket proxy receives it', () => {
    expect(isLocalHostname('127.1')).toBe(true);
    expect(isLocalHostname('[::1]')).toBe(true);
    expect(isLocalHostname('example.com')).toBe(false);
  });
});
