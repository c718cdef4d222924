import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpackZips, zipsDir } from '@app/runtime/zips';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { buildOnce } from './support/shared-build.ts';
import { runInUnpackedZip } from './support/unpacked-zip.ts';

/** Imports the unpacked function in a fresh Node process and calls it once; prints status and body. */
const invoke = `
const [, file, url, method] = process.argv;
const { default: handler } = await import(file);
const response = await handler(new Request(url, { method }), {});
console.log(JSON.stringify({ status: response.status, body: await response.text() }));
process.exit(0);
`;

describe('pnpm build', () => {
  let testDb: TestDatabase;
  let unpacked: Map<string, string>;
  beforeAll(async () => {
    testDb = await useTestDatabase();
    await buildOnce();
    // As `pnpm serve` runs them: outside the repository, where nothing resolves from the workspace.
    unpacked = await unpackZips();
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const unpack = (name: string): string => unpacked.get(name) as string;

  async function call(name: string, path: string, env: Record<string, string> = {}, method = 'GET') {
    const dir = unpack(name);
    const result = await runInUnpackedZip<{ status: number; body: string }>(
      dir,
      name,
      invoke,
      [`http://localhost${path}`, method],
      { DATABASE_URL: testDb.url, DB_WS_PROXY: testDb.wsProxy, ...env },
    );
    return { dir, ...result };
  }

  it('should package one zip per function, with the workspace packages bundled in', () => {
    const zips = readdirSync(zipsDir).filter((file) => file.endsWith('.zip'));
    expect(zips.sort()).toEqual(['debug-error.zip', 'health.zip', 'proposals.zip']);
  });

  it("should carry the proposals function's rate limit into the deploy manifest as Netlify's traffic rule", () => {
    const manifest = JSON.parse(readFileSync(join(zipsDir, 'manifest.json'), 'utf8')) as {
      functions: { name: string; trafficRules?: unknown }[];
    };
    const rules = Object.fromEntries(manifest.functions.map((fn) => [fn.name, fn.trafficRules]));
    expect(rules.proposals).toMatchObject({
      action: {
        type: 'rate_limit',
        config: {
          rateLimitConfig: { windowLimit: 300, windowSize: 60 },
          aggregate: { keys: [{ type: 'ip' }, { type: 'domain' }] },
        },
      },
    });
  });

  it('should answer health from the unpacked bundle against real PostgreSQL', async () => {
    const { dir, status, body } = await call('health', '/api/health');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'pass' });
    expect(existsSync(join(dir, 'packages'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/@app'))).toBe(false);
  });

  it('should ship the Sentry SDK in the zip, imported by name (pnpm dev imports it from the checkout)', async () => {
    const dir = unpack('health');
    expect(existsSync(join(dir, 'node_modules/@sentry/node/package.json'))).toBe(true);
    const bundle = readFileSync(join(dir, 'dist/functions/health.mjs'), 'utf8');
    expect(bundle).toContain('import("@sentry/node")');
    expect(bundle).not.toContain('file://');
  });

  it('should list proposals from the unpacked bundle', async () => {
    const { status, body } = await call('proposals', '/api/proposals?limit=1');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toHaveProperty('data');
  });

  it('should answer the debug route 404 while its flag is off, and throw when on', async () => {
    expect((await call('debug-error', '/api/debug/error')).status).toBe(404);
    expect((await call('debug-error', '/api/debug/error', { FEATURE_DEBUG_ERROR_ENABLED: 'true' })).status).toBe(500);
  });
});
