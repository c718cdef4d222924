import { resetEnvCache } from '@app/env';
import { vi } from 'vitest';
import type { TestDatabase } from './database.ts';

export type FunctionHandler = (request: Request, context: object) => Promise<Response>;

/**
 * The proposals function in this process, as netlify dev would run it (`dev` context), on the
 * run's database with `token` for writes. Its error and warning lines are silenced: the tests
 * that use it hunt those answers and read them from the responses.
 */
export async function proposalsInProcess(testDb: TestDatabase, token: string, env: Record<string, string> = {}) {
  Object.assign(process.env, {
    CONTEXT: 'dev',
    DATABASE_URL: testDb.url,
    DB_WS_PROXY: testDb.wsProxy,
    API_TOKEN: token,
    LOG_LEVEL: 'error',
    ...env,
  });
  delete process.env.SENTRY_DSN;
  resetEnvCache();
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  return (await import('../../functions/proposals/index.ts')).default as FunctionHandler;
}
