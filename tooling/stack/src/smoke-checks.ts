/** One post-deploy check: resolves to a note on success, throws an Error whose message is the reason. */
export interface SmokeCheck {
  name: string;
  run(baseUrl: string): Promise<string>;
}

async function get(baseUrl: string, path: string): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(new URL(path, baseUrl), { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

const errorCode = (body: unknown) => (body as { error?: { code?: string } } | undefined)?.error?.code;

function healthCheck(path: string): SmokeCheck {
  return {
    name: `health at ${path}`,
    async run(baseUrl) {
      const { status, body } = await get(baseUrl, path);
      const health = body as { status?: string; releaseId?: string } | undefined;
      if (status !== 200 || health?.status !== 'pass') {
        throw new Error(`${path} answered ${status} with status "${health?.status ?? 'unreadable'}" (want 200 pass)`);
      }
      return `pass, release ${health.releaseId}`;
    },
  };
}

export const smokeChecks: SmokeCheck[] = [
  healthCheck('/api/health'),
  healthCheck('/.netlify/functions/health'),
  {
    name: 'proposals list',
    async run(baseUrl) {
      const { status, body } = await get(baseUrl, '/api/proposals?limit=1');
      if (status !== 200 || !Array.isArray((body as { data?: unknown })?.data)) {
        throw new Error(`/api/proposals answered ${status}, not a 200 list`);
      }
      return 'readable';
    },
  },
  {
    name: 'standard 404 body',
    async run(baseUrl) {
      const { status, body } = await get(baseUrl, '/api/proposals/00000000-0000-4000-8000-000000000000');
      if (status !== 404 || errorCode(body) !== 'not_found') {
        throw new Error(`an unknown proposal answered ${status} without the standard not_found body`);
      }
      return '404 not_found';
    },
  },
];

/**
 * The statement limit the database server applies to the app's statements, as health reads it
 * through the app's own path (pooler included): 0 means a runaway query holds its connection and
 * its locks for as long as it likes. Fails above `expectedMs` (`DB_STATEMENT_TIMEOUT_MS`) too.
 */
export function statementLimitCheck(expectedMs: number): SmokeCheck {
  return {
    name: 'server statement limit',
    async run(baseUrl) {
      const { body } = await get(baseUrl, '/api/health');
      const check = (body as { checks?: { 'database:responseTime'?: [{ statementTimeoutMs?: number }] } } | undefined)
        ?.checks?.['database:responseTime']?.[0];
      const limit = check?.statementTimeoutMs;
      if (limit === undefined) throw new Error('health reports no statementTimeoutMs (is the database reachable?)');
      if (limit === 0) {
        throw new Error('the server enforces no statement_timeout on the app: apply the migrations (pnpm db:migrate)');
      }
      if (limit > expectedMs) {
        throw new Error(
          `the server's statement_timeout is ${limit} ms, above DB_STATEMENT_TIMEOUT_MS (${expectedMs} ms)`,
        );
      }
      return `${limit} ms`;
    },
  };
}

/** `--sentry`: throws a deliberate error on the site; the errorId is what to look up in Sentry. */
export const sentryCheck: SmokeCheck = {
  name: 'deliberate error for Sentry',
  async run(baseUrl) {
    const { status, body } = await get(baseUrl, '/api/debug/error');
    if (status === 404)
      throw new Error('/api/debug/error is off: set FEATURE_DEBUG_ERROR_ENABLED=true for this context');
    const errorId = (body as { error?: { errorId?: string } } | undefined)?.error?.errorId;
    if (status !== 500 || errorId === undefined)
      throw new Error(`/api/debug/error answered ${status} without an errorId`);
    return `search Sentry for errorId:${errorId}`;
  },
};
