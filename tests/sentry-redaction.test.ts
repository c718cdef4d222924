import { resetEnvCache } from '@app/env';
import { log, withObservability } from '@app/observability';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeSentry } from './support/fake-sentry.ts';
import { startFakeSentry } from './support/fake-sentry.ts';

// Canaries: if any of these shows up in an envelope, a log line or a response, a secret leaked.
const dbPassword = 'canary-db-pass-7Q2K9X4M';
const apiToken = 'canary-api-token-3V8N1R6T';
const headerToken = 'canary-header-token-5W7Y2Z9P';

describe('redaction, end to end through the real Sentry SDK', () => {
  let sentry: FakeSentry;
  const printed: string[] = [];
  beforeAll(async () => {
    sentry = await startFakeSentry();
    process.env.CONTEXT = 'dev';
    process.env.DATABASE_URL = `postgres://app:${dbPassword}@db.internal.example:5432/app`;
    process.env.API_TOKEN = apiToken;
    process.env.SENTRY_DSN = sentry.dsn;
    resetEnvCache();
    for (const method of ['log', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => printed.push(args.map(String).join(' ')));
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await sentry?.close();
  });

  it('should keep every canary out of envelopes, log lines and the response', async () => {
    const handler = withObservability(async (request) => {
      const auth = request.headers.get('authorization');
      throw new Error(
        `could not reach postgres://app:${dbPassword}@db.internal.example/app with ${apiToken} and ${auth}`,
      );
    });
    const pending: Promise<unknown>[] = [];
    const response = await handler(
      new Request('http://localhost/api/proposals?token=abc', { headers: { Authorization: `Bearer ${headerToken}` } }),
      { waitUntil: (promise) => pending.push(promise) },
    );
    const body = await response.text();
    await Promise.all(pending);
    await sentry.waitForEvents(1);

    expect(response.status).toBe(500);
    const everything = [body, ...printed, ...sentry.rawEnvelopes].join('\n');
    for (const canary of [dbPassword, apiToken, headerToken]) expect(everything).not.toContain(canary);
    // The event is still useful: the message survives with the secrets replaced.
    expect(sentry.events()[0]?.exception?.values?.[0]?.value).toBe(
      'could not reach postgres://app:[redacted]@db.internal.example/app with [redacted] and Bearer [redacted]',
    );
    expect(printed.join('\n')).toContain('[redacted]');
  });

  it('should keep a canary in each secret shape out of events, breadcrumbs and log lines', async () => {
    // None of these values is a configured secret: only their shape gives them away.
    const shapes = {
      lowercaseBearer: 'canary-lc-bearer-1Q2W',
      tokenScheme: 'canary-token-scheme-3E4R',
      tailAfterBang: 'canary-tail-5T6Y',
      queryToken: 'canary-query-token-7U8I',
      queryApiKey: 'canary-query-apikey-9O0P',
      cookie: 'canary-cookie-1A2S',
      jsonPassword: 'canary-json-pass-3D4F',
      nestedJsonPassword: 'canary-nested-pass-5G6H',
    };
    const text = [
      `auth bearer ${shapes.lowercaseBearer}`,
      `sent Token ${shapes.tokenScheme}`,
      `Bearer canary-head!${shapes.tailAfterBang}`,
      `GET https://api.example/x?token=${shapes.queryToken}&api_key=${shapes.queryApiKey}`,
      `Cookie: sid=${shapes.cookie}; theme=dark`,
    ].join('\n');
    const json = JSON.stringify({ user: 'a', password: shapes.jsonPassword });
    const nested = JSON.stringify({ body: JSON.stringify({ password: shapes.nestedJsonPassword }) });
    const handler = withObservability(async () => {
      log.warn(`upstream said ${text}`, { payload: json }); // a printed line and a breadcrumb
      throw new Error(`upstream failed: ${text} ${json} ${nested}`);
    });
    const before = sentry.events().length;
    const pending: Promise<unknown>[] = [];
    const response = await handler(new Request('http://localhost/api/x'), {
      waitUntil: (promise) => pending.push(promise),
    });
    const body = await response.text();
    await Promise.all(pending);
    const [event] = (await sentry.waitForEvents(before + 1)).slice(before);

    expect(response.status).toBe(500);
    expect(event?.breadcrumbs?.some((crumb) => crumb.message?.startsWith('upstream said'))).toBe(true);
    // The warn and the error line also went out as Sentry Logs, so the check below covers them.
    expect(sentry.logs().map((logItem) => logItem.level)).toEqual(expect.arrayContaining(['warn', 'error']));
    expect(sentry.logs().some((logItem) => logItem.body.startsWith('upstream said'))).toBe(true);
    const everything = [body, ...printed, ...sentry.rawEnvelopes].join('\n');
    for (const [shape, canary] of Object.entries(shapes)) expect(everything, shape).not.toContain(canary);
  });
});
