import { isLocalHostname } from '@app/env';
import { neonConfig } from '@neondatabase/serverless';

/** True for Neon's cloud; anything else is a plain PostgreSQL reached through a local WebSocket proxy. */
export function isLocalDatabase(connectionString: string): boolean {
  return isLocalHostname(new URL(connectionString).hostname);
}

/**
 * Configures the Neon driver for the database in `connectionString` (the driver's settings are
 * process-wide, so a process talks to one kind of database). Neon's cloud keeps the driver's
 * defaults; a local PostgreSQL needs the proxy settings in docs/platform.md#neon-local. The
 * driver's WebSocket is Node 22's own global one: the `ws` package is no longer bundled
 * (docs/decisions.md: the same cold start, 131 KB less per function).
 */
export function configureDriver(connectionString: string, wsProxy: string): void {
  if (!isLocalDatabase(connectionString)) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
}
