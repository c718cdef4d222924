import { describe, expect, it } from 'vitest';
import { isLocalUrl } from './local-host.ts';

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
  ])('should treat %s as local', (url) => {
    expect(isLocalUrl(url)).toBe(true);
  });

  it.each([
    'postgres://u:p@ep-x-pooler.neon.tech/db',
    'https://o1.ingest.sentry.io/2',
    'http://128.0.0.1',
    'http://localhost.example.com',
    'not a url',
  ])('should treat %s as remote', (url) => {
    expect(isLocalUrl(url)).toBe(false);
  });
});
