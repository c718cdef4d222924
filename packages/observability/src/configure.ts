import type { Env } from '@app/env';
import { setReportingEnv } from './capture.ts';
import { configureLogger } from './logger.ts';
import { logQueries } from './query-log.ts';

/** The environment and release the logger and the reporter were last configured for. */
let configuredFor: { env: Env; release: string } | undefined;

/**
 * Configures the logger and the Sentry reporter for `env` — once per environment, not per request
 * (AWS Lambda Powertools' split between a logger's construction and its per-invocation context).
 * `getEnv` hands out the same object until the environment changes (Netlify Database's rotated
 * URL), and then this configures again, with the new password among the secrets.
 */
export function configureObservability(env: Env, release: string): void {
  if (configuredFor?.env === env && configuredFor.release === release) return;
  configureLogger({
    level: env.logLevel,
    json: env.deployContext !== 'dev',
    secrets: env.secrets,
    release,
    context: env.deployContext,
  });
  setReportingEnv(env, release);
  logQueries();
  configuredFor = { env, release };
}

/**
 * Nothing from an invalid environment can be trusted, Sentry's DSN included: JSON lines at `warn`
 * to the log only, until a valid environment configures everything again.
 */
export function configureForInvalidEnvironment(): void {
  configureLogger({ level: 'warn', json: true });
  configuredFor = undefined;
}
