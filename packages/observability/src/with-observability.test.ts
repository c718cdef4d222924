import { resetEnvCache } from '@app/env';
import { NotFoundError } from '@app/http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withObservability } from './with-observability.ts';

describe('withObservability', () => {
  beforeEach(() => {
    vi.stubEnv('CONTEXT', 'dev');
    vi.stubEnv('LOG_LEVEL', 'error');
    vi.stubEnv('SENTRY_DSN', '');
    resetEnvCache();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    resetEnvCache();
  });

  it('should hand the handler the validated environment and the platform context', async () => {
    const platform = { requestId: 'req-1', deploy: { context: 'dev' } };
    let seen: unknown;
    const handler = withObservability(async (_request, context) => {
      seen = context;
      return new Response('ok');
    });
    await handler(new Request('http://localhost/x'), platform);
    expect(seen).toMatchObject({ env: { deployContext: 'dev', logLevel: 'error' }, platform });
  });

  it('should answer a foreign error carrying status 418 and a code with the generic 500, not its message', async () => {
    const handler = withObservability(async () => {
      throw Object.assign(new Error('teapot internals: relation "secret" does not exist'), {
        status: 418,
        code: 'teapot',
      });
    });
    const response = await handler(new Request('http://localhost/x'), {});
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong', errorId: expect.stringMatching(/^ERR-/) },
    });
  });

  it("should let the project's own HttpError choose its status and add the API headers", async () => {
    const handler = withObservability(async () => {
      throw new NotFoundError('Proposal not found');
    });
    const response = await handler(new Request('http://localhost/x'), {});
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'Proposal not found' } });
  });

  it('should answer an invalid environment with 503 misconfigured, naming nothing', async () => {
    vi.stubEnv('DB_POOL_MAX', '5000');
    resetEnvCache();
    const handler = withObservability(async () => new Response('unreachable'));
    const response = await handler(new Request('http://localhost/x'), {});
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await response.json()).toEqual({
      error: { code: 'misconfigured', message: 'Something went wrong', errorId: expect.stringMatching(/^ERR-/) },
    });
  });
});
