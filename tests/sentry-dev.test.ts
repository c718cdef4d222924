import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';
import type { FakeSentry } from './support/fake-sentry.ts';
import { startFakeSentry } from './support/fake-sentry.ts';

interface ErrorAnswer {
  error: { code: string; message: string; errorId: string };
}

describe('errors through pnpm dev reach Sentry', () => {
  let sentry: FakeSentry;
  let app: DevServer;
  beforeAll(async () => {
    sentry = await startFakeSentry();
    app = await startDevServer({
      DATABASE_URL: inject('databaseUrl'),
      SENTRY_DSN: sentry.dsn,
      FEATURE_DEBUG_ERROR_ENABLED: 'true',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await sentry?.close();
  });

  it('should answer a thrown error with 500, the stable body and an errorId that tags the event', async () => {
    const response = await fetch(`${app.baseUrl}/api/debug/error`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorAnswer;
    expect(body).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong', errorId: expect.stringMatching(/^ERR-/) },
    });
    const [event] = await sentry.waitForEvents(1);
    expect(event?.tags?.errorId).toBe(body.error.errorId);
    expect(event?.environment).toBe('dev');
    expect(event?.exception?.values?.[0]?.value).toBe('Deliberate test error from /api/debug/error');
    const crumbs = (event?.breadcrumbs ?? []).map((crumb) => crumb.message);
    expect(crumbs).toEqual(expect.arrayContaining(['GET /api/debug/error', 'GET /api/debug/error failed']));
    expect(app.output()).toContain(body.error.errorId);
  });

  it('should deliver every error of a concurrent burst', async () => {
    const before = sentry.events().length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${app.baseUrl}/api/debug/error`);
        return ((await response.json()) as ErrorAnswer).error.errorId;
      }),
    );
    expect(new Set(answers).size).toBe(20);
    // Every event must arrive; how soon depends on the machine's load (each netlify dev worker
    // loads the SDK itself), so the wait is generous: 25–32 s was seen on a busy 2-core machine.
    const events = await sentry.waitForEvents(before + 20, 90_000);
    const tagged = new Set(events.map((event) => event.tags?.errorId));
    expect(answers.filter((id) => !tagged.has(id))).toEqual([]);
  });
});

describe('the debug route without its flag', () => {
  let app: DevServer;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), FEATURE_DEBUG_ERROR_ENABLED: 'false' });
  });
  afterAll(() => app?.stop());

  it('should answer 404 with the standard body', async () => {
    const response = await fetch(`${app.baseUrl}/api/debug/error`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });
});
