import type { Env, PlatformContext } from '@app/env';

/** Replaced at build by the bundler with the build's release id, or `undefined` (build-functions.ts). */
declare const __APP_RELEASE__: string | undefined;

/** The Netlify context fields `releaseOf` reads. */
export type ReleaseContext = PlatformContext & { deploy?: { id?: string | undefined } | undefined };

/**
 * The release this code is, the same for Sentry's `release`, health's `releaseId` and every JSON
 * log line: baked in at build (the commit, else the deploy id) — Netlify's build variables do not
 * exist at runtime; else `COMMIT_REF` at runtime (netlify dev sets it to the checkout's HEAD);
 * else the deploy id from the platform's context; else `dev`.
 */
export function releaseOf(env: Pick<Env, 'COMMIT_REF'>, platform?: ReleaseContext): string {
  const baked = typeof __APP_RELEASE__ === 'string' ? __APP_RELEASE__ : undefined;
  return baked ?? env.COMMIT_REF ?? platform?.deploy?.id ?? 'dev';
}
