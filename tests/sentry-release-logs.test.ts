import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpackZips } from '@app/runtime/zips';
import { functionsBuildDir } from '@app/stack/build-functions';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import type { DevServer } from './support/dev-server.ts';
import { startServe } from './support/dev-server.ts';
import type { FakeSentry, SentryLog, SentrySpan } from './support/fake-sentry.ts';
import { startFakeSentry } from './support/fake-sentry.ts';
import type { FakeSentryApi } from './support/fake-sentry-api.ts';
import { startFakeSentryApi } from './support/fake-sentry-api.ts';
import { runScript } from './support/run-script.ts';
import { buildAgain } from './support/shared-build.ts';
import { runInUnpackedZip } from './support/unpacked-zip.ts';
import { waitFor } from './support/wait-for.ts';

// What an on-call engineer gets from the deployed bundles: the release on every event, log line and
// health answer; source maps uploaded by Sentry's own plugin and matched by debug ID; warn/error
// lines as Sentry Logs — the real SDK and the real Sentry CLI, to local stand-ins for Sentry.

const token = 'release-test-token-0123456789abcdef';
const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repositoryRoot, encoding: 'utf8' }).trim();

/** The debug ID Sentry's plugin injected into a bundle: the snippet the SDK reads at runtime. */
const debugIdOf = (bundle: string) =>
  /_sentryDebugIds\[\w+\]\s*=\s*"([0-9a-f-]{36})"/.exec(readFileSync(bundle, 'utf8'))?.[1];

/** Calls an unpacked bundle once in a fresh Node process; says whether anything imported `@sentry/*`. */
const probe = `
import { registerHooks } from 'node:module';
let sentryImported = false;
registerHooks({ resolve(specifier, context, next) {
  if (specifier.startsWith('@sentry/')) sentryImported = true;
  return next(specifier, context);
} });
const [, file, url] = process.argv;
const { default: handler } = await import(file);
const waits = [];
const response = await handler(new Request(url), { waitUntil: (promise) => waits.push(promise) });
await response.text();
await Promise.allSettled(waits);
console.log(JSON.stringify({ status: response.status, sentryImported }));
process.exit(0);
`;

const waitForLog = (sentry: FakeSentry, accept: (log: SentryLog) => boolean) =>
  waitFor(
    () => sentry.logs(),
    (logs) => logs.some(accept),
    'a matching Sentry log',
  ).then((logs) => logs.find(accept) as SentryLog);

describe('release and Sentry Logs in the deployed bundles', () => {
  let testDb: TestDatabase;
  let sentry: FakeSentry;
  let sentryApi: FakeSentryApi;
  let buildOutput: string;
  let unpacked: Map<string, string>;
  beforeAll(async () => {
    testDb = await useTestDatabase();
    sentry = await startFakeSentry();
    sentryApi = await startFakeSentryApi();
    // Netlify's build, with the build-time upload variables pointed at the stand-in.
    const build = await buildAgain({
      ...process.env,
      SENTRY_AUTH_TOKEN: 'sntrys_test-token-for-the-stand-in',
      SENTRY_ORG: 'acme',
      SENTRY_PROJECT: 'proposals',
      SENTRY_URL: sentryApi.url,
    });
    expect(build.code, build.output).toBe(0);
    buildOutput = build.output;
    // The folders `pnpm serve` runs below, unpacked once.
    unpacked = await unpackZips();
  });
  afterAll(async () => {
    await sentry?.close();
    await sentryApi?.close();
    await testDb?.close();
  });

  it('should bake the commit it built into every bundle, and ship no source map of them', () => {
    for (const name of ['health', 'proposals', 'debug-error']) {
      expect(readFileSync(join(functionsBuildDir, `${name}.mjs`), 'utf8')).toContain(JSON.stringify(head));
    }
    for (const name of ['health', 'debug-error']) {
      const shipped = readdirSync(join(unpacked.get(name) as string, 'dist/functions'));
      expect(shipped).toEqual([`${name}.mjs`]);
    }
  });

  it('should upload each bundle and its map under the debug ID the bundle carries', () => {
    expect(buildOutput).toContain(`source maps: uploading to ${sentryApi.url} (acme/proposals)`);
    for (const name of ['health', 'proposals', 'debug-error']) {
      const debugId = debugIdOf(join(functionsBuildDir, `${name}.mjs`));
      expect(debugId, name).toBeDefined();
      const uploaded = sentryApi.files().filter((file) => file.debugId === debugId);
      expect(uploaded.map((file) => file.type).sort(), `${name}: ${sentryApi.requests.join(', ')}`).toEqual([
        'minified_source',
        'source_map',
      ]);
    }
  });

  it('should not import the Sentry SDK for a request that neither warns nor fails, and should for one that fails', async () => {
    const call = async (name: string, path: string) => {
      return runInUnpackedZip<{ status: number; sentryImported: boolean }>(
        unpacked.get(name) as string,
        name,
        probe,
        [`http://localhost${path}`],
        {
          DATABASE_URL: testDb.url,
          DB_WS_PROXY: testDb.wsProxy,
          SENTRY_DSN: sentry.dsn,
          FEATURE_DEBUG_ERROR_ENABLED: 'true',
        },
      );
    };
    const envelopesBefore = sentry.rawEnvelopes.length;
    expect(await call('health', '/api/health')).toEqual({ status: 200, sentryImported: false });
    expect(sentry.rawEnvelopes.length).toBe(envelopesBefore);
    // The control: the same probe sees the SDK load when an error is reported.
    expect(await call('debug-error', '/api/debug/error')).toEqual({ status: 500, sentryImported: true });
  });

  /** `pnpm serve` on the built zips, reporting to the receiver, with `env` on top. */
  const serveReporting = (env: Record<string, string>) =>
    startServe({ DATABASE_URL: testDb.url, API_TOKEN: token, SENTRY_DSN: sentry.dsn, LOG_LEVEL: 'error', ...env });

  describe('served as deployed', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serveReporting({ FEATURE_DEBUG_ERROR_ENABLED: 'true' });
    });
    afterAll(() => server?.stop());

    it('should tag the error event, its log and health with the release, the log with the errorId', async () => {
      const health = (await (await fetch(new URL('/api/health', server.baseUrl))).json()) as { releaseId: string };
      expect(health.releaseId).toBe(head);

      const response = await fetch(new URL('/api/debug/error', server.baseUrl));
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as { error: { errorId: string } };
      const logged = await waitForLog(sentry, (log) => log.attributes.errorId?.value === error.errorId);
      // The event and the log leave in the same flush.
      const event = sentry.events().find((candidate) => candidate.tags?.errorId === error.errorId);
      expect(event?.release).toBe(head);
      // Sentry finds the uploaded map for the frames of this bundle by this id.
      const debugId = debugIdOf(join(unpacked.get('debug-error') as string, 'dist/functions/debug-error.mjs'));
      expect(event?.debug_meta?.images?.map((image) => image.debug_id)).toContain(debugId);
      expect(sentryApi.files().some((file) => file.debugId === debugId && file.type === 'source_map')).toBe(true);
      expect(logged.level).toBe('error');
      expect(logged.attributes['sentry.release']?.value).toBe(head);
      expect(logged.attributes.requestId?.value).toEqual(expect.any(String));
    });

    it('should send no transaction while SENTRY_TRACES_SAMPLE_RATE is 0 (the default)', async () => {
      expect((await fetch(new URL('/api/proposals', server.baseUrl))).status).toBe(200);
      // The error above was flushed with everything the SDK held: a span would be there.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sentry.spans()).toEqual([]);
    });
  });

  describe('with SENTRY_TRACES_SAMPLE_RATE=1', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serveReporting({ SENTRY_TRACES_SAMPLE_RATE: '1' });
    });
    afterAll(() => server?.stop());

    it('should send each request as a transaction (segment span) with a span per database query', async () => {
      expect((await fetch(new URL('/api/proposals?limit=5', server.baseUrl))).status).toBe(200);
      const isRequest = (span: SentrySpan) => span.is_segment && span.name === 'GET /api/proposals';
      const spans = await waitFor(
        () => sentry.spans(),
        (all) => all.some(isRequest),
        'the request span',
      );
      const segment = spans.find(isRequest);
      expect(segment?.attributes['sentry.op']?.value).toBe('http.server');
      expect(segment?.attributes['sentry.release']?.value).toBe(head);
      const queries = sentry
        .spans()
        .filter((span) => span.parent_span_id === segment?.span_id && span.attributes['sentry.op']?.value === 'db');
      expect(queries.length).toBeGreaterThanOrEqual(1);
      expect(queries[0]?.name).toMatch(/^select/);
    });

    it('should redact a secret from the spans it sends', async () => {
      // The API token in a path: the span's name and url.path carry the path.
      expect((await fetch(new URL(`/api/proposals/${token}`, server.baseUrl))).status).toBe(404);
      await waitFor(
        () => sentry.spans(),
        (all) => all.some((span) => span.is_segment && span.name.startsWith('GET /api/proposals/')),
        'the span of the request with the token',
      );
      expect(sentry.rawEnvelopes.join('\n')).not.toContain(token);
    });
  });

  describe('a warn line, with the database down', () => {
    let server: DevServer;
    beforeAll(async () => {
      server = await serveReporting({
        // Nothing listens on port 1: every query fails fast and the API answers 503 with a warn line.
        DATABASE_URL: 'postgres://app:canary-db-password-7731@127.0.0.1:1/app',
        DB_CONNECT_TIMEOUT_MS: '500',
      });
    });
    afterAll(() => server?.stop());

    it('should reach Sentry as a warn log, although LOG_LEVEL=error does not print it', async () => {
      const response = await fetch(new URL('/api/proposals', server.baseUrl));
      expect(response.status).toBe(503);
      const logged = await waitForLog(
        sentry,
        (log) => log.level === 'warn' && log.body.includes('DatabaseUnavailable'),
      );
      expect(logged.attributes.errorId?.value).toMatch(/^ERR-/);
      expect(logged.attributes['sentry.release']?.value).toBe(head);
      expect(sentry.rawEnvelopes.join('\n')).not.toContain('canary-db-password-7731');
    });
  });

  // Last: it rebuilds dist/functions without the build's release.
  it('should build without the upload variables, saying so in one line', async () => {
    const build = await runScript('build-functions', [], {
      PATH: process.env.PATH,
      SENTRY_AUTH_TOKEN: '',
      SENTRY_ORG: '',
      SENTRY_PROJECT: '',
    });
    expect(build.code, build.output).toBe(0);
    expect(build.output).toContain(
      'source maps: not uploaded (SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT not set); bundles carry debug IDs',
    );
    expect(build.output).not.toMatch(/^\s+at /m);
    expect(debugIdOf(join(functionsBuildDir, 'health.mjs'))).toBeDefined();
  });
});
