/** Where the code runs. Netlify's own names, so logs and Sentry environments match the UI. */
export const deployContexts = ['production', 'deploy-preview', 'branch-deploy', 'dev'] as const;
export type DeployContext = (typeof deployContexts)[number];

/** Contexts that run on Netlify's infrastructure and must fail fast on bad configuration. */
export const deployedContexts: readonly DeployContext[] = ['production', 'deploy-preview', 'branch-deploy'];

/** The part of a Netlify v2 handler's `context` argument we read; everything optional so tests can omit it. */
export interface PlatformContext {
  deploy?: { context?: string | undefined } | undefined;
}

export function isDeployContext(value: unknown): value is DeployContext {
  return typeof value === 'string' && (deployContexts as readonly string[]).includes(value);
}

/**
 * Resolves the deploy context: the handler's `context.deploy.context` first (the only source that
 * exists at runtime in production — netlify.toml variables and `CONTEXT` are build-time only, see
 * docs/platform.md#runtime-context), then `CONTEXT` (set by `netlify dev` and builds), then `NODE_ENV`.
 */
export function resolveDeployContext(
  platform: PlatformContext | undefined,
  source: Readonly<Record<string, string | undefined>>,
): DeployContext {
  const fromPlatform = platform?.deploy?.context;
  if (isDeployContext(fromPlatform)) return fromPlatform;
  if (isDeployContext(source.CONTEXT)) return source.CONTEXT;
  // An unknown NODE_ENV (test, development, unset) is a developer's machine.
  return source.NODE_ENV === 'production' ? 'production' : 'dev';
}
