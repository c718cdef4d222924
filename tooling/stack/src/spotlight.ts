import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot, stopProcessGroup, waitForHttp } from './netlify-dev.ts';

/** Starts Spotlight's sidecar (Sentry's offline event viewer) and resolves once it answers. */
export async function startSpotlight(port = 8969): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(join(repositoryRoot, 'node_modules/.bin/spotlight'), ['server', '--port', String(port)], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  const url = `http://localhost:${port}`;
  await waitForHttp(url, 30_000);
  return { url, stop: () => stopProcessGroup(child) };
}
