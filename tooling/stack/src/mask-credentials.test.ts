import { describe, expect, it } from 'vitest';
import { maskCredentials } from './mask-credentials.ts';

describe('maskCredentials', () => {
  it('should hide every password in a URL or a message, keeping user and host', () => {
    expect(maskCredentials('postgres://app:s3cr%40t@db.example:5432/app')).toBe(
      'postgres://app:***@db.example:5432/app',
    );
    expect(maskCredentials('failed: postgres://a:x@h1/db and postgresql://b:y@h2/db')).toBe(
      'failed: postgres://a:***@h1/db and postgresql://b:***@h2/db',
    );
  });

  it('should leave a URL without a password as it is', () => {
    expect(maskCredentials('postgres://postgres@127.0.0.1:5432/test')).toBe('postgres://postgres@127.0.0.1:5432/test');
  });
});
