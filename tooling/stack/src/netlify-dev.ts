import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProcessResult } from './run-process.ts';
import { runProcess } from './run-process.ts';

export const repositoryRoot = resolve(import.meta.dirname, '../../..');

/**
 * A `node --import` preload for netlify dev: a listen that names no host binds to loopback
 * (netlify dev has no option for it: docs/platform.md#netlify-dev-interfaces).
 */
export const loopbackOnlyPreload = pathToFileURL(join(import.meta.dirname, 'loopback-only.mjs')).href;
const netlifyBin = join(repositoryRoot, 'node_modules/.bin/netlify');

export interface NetlifyDevOptions {
  port?: number;
  env?: Record<string, string | undefined>;
  /** Where netlify's output goes. @default 'inherit' */
  stdio?: 'inherit' | 'pipe';
}

/**
 * Starts `netlify dev` for the repository root, offline and without edge functions (which would
 * try to download Deno: docs/platform.md#netlify-dev-offline). It runs in its own process group so that stopping it stops
 * every worker it started.
 */
export function spawnNetlifyDev({ port = 8888, env = {}, stdio = 'inherit' }: NetlifyDevOptions = {}): ChildProcess {
  return spawnNetlify(['dev', '--offline', '--internal-disable-edge-functions', '--port', String(port)], {
    env,
    stdio,
  });
}

/**
 * Runs a netlify-cli command for the site at the repository root. In a pnpm workspace root
 * netlify asks which package to use unless `--cwd` names the site, and it ignores `--cwd` when it
 * equals the process's own working directory: hence the other working directory.
 */
export function spawnNetlify(
  args: string[],
  { env = {}, stdio = 'inherit' }: Pick<NetlifyDevOptions, 'env' | 'stdio'> = {},
): ChildProcess {
  return spawn(netlifyBin, [...args, '--cwd', repositoryRoot], {
    cwd: tmpdir(),
    env: { ...process.env, BROWSER: 'none', ...env },
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Runs a short netlify-cli command (same `--cwd` rule as `spawnNetlify`) and collects its output. */
export function runNetlify(args: string[]): Promise<ProcessResult> {
  return runProcess(netlifyBin, [...args, '--cwd', repositoryRoot], { cwd: tmpdir() });
}

/** Stops a process started by `spawnNetlifyDev` and everything in its group. */
export async function stopProcessGroup(child: ChildProcess, timeoutMs = 5_000): Promise<void> {
  // A process killed by a signal has a signalCode and no exitCode: both mean it is gone.
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`, { cause: error });
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}
