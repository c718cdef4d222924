import type { FunctionStats } from '@app/runtime/function-instances';
import { repositoryRoot } from '@app/stack/netlify-dev';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.ts';
import type { DevServer } from '../support/dev-server.ts';
import type { FakeSentry } from '../support/fake-sentry.ts';
import type { RawAnswer } from '../support/raw-request.ts';
import { rawRequest } from '../support/raw-request.ts';
import { functionStats, serveWithFakeSentry, token, useServeBehindPausableDatabase } from '../support/serve.ts';
import { waitFor } from '../support/wait-for.ts';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';

/**
 * Secrets in request paths, as an attacker (or a careless client) sends them: [path, canary]. The
 * canary must reach neither the function log nor any Sentry envelope (events, spans, breadcrumbs).
 */
const pathCanaries: [string, string][] = [
  [jwt, jwt],
  ['AKIAIOSFODNN7CANARY1', 'AKIAIOSFODNN7CANARY1'],
  ['sk_live_51CanaryStripeKey0001', 'sk_live_51CanaryStripeKey0001'],
  ['ghp_CanaryGithubToken0123456789abcdef01', 'ghp_CanaryGithubToken0123456789abcdef01'],
  ['xoxb-1234567890-CanarySlack', 'xoxb-1234567890-CanarySlack'],
  ['app:CanaryPass-u1@db.example.com', 'CanaryPass-u1'],
  ['postgres%3A%2F%2Fapp%3ACanaryPass-e1%40db.example.com', 'CanaryPass-e1'],
  ['Bearer%20CanaryBearer-p1', 'CanaryBearer-p1'],
  ['api_key%3DCanaryKey-p2', 'CanaryKey-p2'],
  // The API token on its own, and percent-encoded (the last letter as %66).
  [token, token],
  [`${token.slice(0, -1)}%66`, token],
];

const isStandardError = (answer: RawAnswer, code: string) =>
  expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });

/** Whatever the status, never a stack trace or a path of this checkout in an answer. */
function expectNoInternals(answer: RawAnswer): void {
  expect(answer.body).not.toMatch(/^\s+at /m);
  expect(answer.body).not.toContain(repositoryRoot);
}

/** Findings of the attacker's round (survival, round two), each through `pnpm serve`. */
export function describeAttacks(testDatabase: () => TestDatabase): void {
  describe('what an attacker sends', () => {
    let server: DevServer;
    let sentry: FakeSentry;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ server, sentry, stop } = await serveWithFakeSentry(testDatabase(), {
        SENTRY_TRACES_SAMPLE_RATE: '1',
        FEATURE_DEBUG_ERROR_ENABLED: 'true',
        // The access line of every request is printed: the path is in it.
        LOG_LEVEL: 'info',
      }));
    });
    afterAll(() => stop?.());

    it.each(['/api/proposals', '/api/health', '/api/proposals/00000000-0000-4000-8000-000000000000'])(
      'should end the answer to HEAD %s: headers, no body',
      async (path) => {
        const answer = await rawRequest(server.baseUrl, { method: 'HEAD', path });
        expect([200, 404]).toContain(answer.status);
        expect(answer.body).toBe('');
        expect(answer.headers['content-type']).toMatch(/json/);
      },
    );

    it.each(['/api/proposals/%ZZ', '/api/%', '/.netlify/functions/health/%E0%A4%A'])(
      'should answer the path %s, not valid percent-encoding, with 400',
      async (path) => {
        const answer = await rawRequest(server.baseUrl, { path });
        expect(answer.status).toBe(400);
        isStandardError(answer, 'bad_request');
      },
    );

    it.each(['exa mple.com', '[::1', 'a/b', 'host:port'])('should answer the Host %s with 400', async (host) => {
      const answer = await rawRequest(server.baseUrl, { path: '/api/health', headers: { Host: host } });
      expect(answer.status).toBe(400);
      isStandardError(answer, 'bad_request');
    });

    it.each(['TRACE', 'PROPFIND'])('should answer %s with 405 and Allow, no stack', async (method) => {
      const answer = await rawRequest(server.baseUrl, { method, path: '/api/proposals' });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toContain('GET');
      isStandardError(answer, 'method_not_allowed');
      expectNoInternals(answer);
    });

    it('should answer a method HTTP does not know (BREW) with 400 and the standard body', async () => {
      const answer = await rawRequest(server.baseUrl, { method: 'BREW', path: '/api/proposals' });
      expect(answer.status).toBe(400);
      isStandardError(answer, 'bad_request');
    });

    it('should keep secrets in paths out of the function log and every Sentry envelope', async () => {
      const before = sentry.events().length;
      const spansBefore = sentry.spans().length;
      for (const [path] of pathCanaries) {
        const answer = await rawRequest(server.baseUrl, { path: `/.netlify/functions/debug-error/${path}` });
        expect(answer.status).toBe(500);
      }
      await sentry.waitForEvents(before + pathCanaries.length);
      await waitFor(
        async () => sentry.spans().length,
        (count) => count >= spansBefore + pathCanaries.length,
        'the spans of those requests',
      );
      const seen = `${server.output()}\n${sentry.rawEnvelopes.join('\n')}`;
      for (const [, canary] of pathCanaries) expect(seen).not.toContain(canary);
      expect(server.output()).toContain('debug-error/[redacted]');
    });

    it('should answer arbitrary methods, paths and bytes with a complete answer below 500, leaking no canary', async () => {
      const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'FOO');
      const segment = fc.oneof(
        fc.string().map(encodeURIComponent),
        fc.constantFrom(
          '%',
          '%ZZ',
          '%E0%A4%A',
          '%00',
          '..',
          '%2e%2e',
          '%2F',
          ';',
          '?x=%',
          ...pathCanaries.map(([p]) => p),
        ),
      );
      const path = fc
        .tuple(fc.constantFrom('/api/proposals', '/api/health', '/api/nope'), segment)
        .map(([base, tail]) => `${base}/${tail}`);
      await fc.assert(
        fc.asyncProperty(method, path, async (verb, target) => {
          const answer = await rawRequest(server.baseUrl, {
            method: verb,
            path: target,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: verb === 'POST' || verb === 'PATCH' ? '{"title":' : undefined,
          });
          expect(answer.status, `${verb} ${target}: ${answer.body}`).toBeLessThan(500);
          if (verb === 'HEAD') expect(answer.body).toBe('');
          else expect(JSON.parse(answer.body)).toBeTypeOf('object');
          expectNoInternals(answer);
        }),
        { numRuns: 150 },
      );
      for (const [, canary] of pathCanaries) expect(server.output()).not.toContain(canary);
    });
  });

  describe('when every instance is busy', () => {
    // The database stops answering on cue: an instance stays busy until it is resumed.
    const served = useServeBehindPausableDatabase(
      testDatabase,
      ['--max-instances', '1', '--max-queue', '2', '--queue-timeout', '3'],
      { DB_CONNECT_TIMEOUT_MS: '60000' },
    );

    it('should let max-queue requests wait, refuse the next at once with 429, and give up on waiters with 503', async () => {
      served.database.pause();
      const first = rawRequest(served.server.baseUrl, { path: '/api/proposals' }, 70_000);
      await served.database.held(); // its instance is now stuck on the database
      const waiting = [1, 2].map(() => rawRequest(served.server.baseUrl, { path: '/api/proposals' }));
      await waitFor(
        () => functionStats(served.server, 'proposals'),
        (f: FunctionStats) => f.waiting === 2,
        'two requests waiting',
      );
      const refused = await rawRequest(served.server.baseUrl, { path: '/api/proposals' });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      isStandardError(refused, 'too_many_requests');
      for (const answer of await Promise.all(waiting)) {
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        isStandardError(answer, 'busy');
      }
      served.database.resume();
      expect((await first).status).toBe(200);
      const stats = await functionStats(served.server, 'proposals');
      expect(stats).toMatchObject({ throttled: 3, invocations: 1, waiting: 0 });
    });
  });
}
