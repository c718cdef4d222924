import type { DevLockHolder } from './dev-lock.ts';
import { devLockHolder, takeDevLock } from './dev-lock.ts';
import { loadDotEnv } from './dot-env.ts';
import { isPortFree } from './free-port.ts';
import type { Lifeline } from './lifeline.ts';
import { startLifeline } from './lifeline.ts';

/** What a local server's parts are handed while it starts. */
export interface LocalServer {
  /** Guards child processes: they die with this one, however it ends. */
  lifeline: Lifeline;
  /** Registers how to stop a part; parts stop newest first. */
  onStop(stop: () => Promise<void>): void;
  /** Stops every part, newest first, then exits with `code`. Later calls wait for the first. */
  stop(code: number): Promise<never>;
}

export interface LocalServerOptions {
  command: NonNullable<DevLockHolder['command']>;
  port: number;
  host: string;
  /** Runs first when stopping (`pnpm serve` prints its instance stats). */
  beforeStop?: () => void;
}

/**
 * The lifecycle `pnpm dev` and `pnpm serve` share: refuse in one line when this checkout already
 * runs one of them or the port is busy (touching nothing), take the checkout's lock, start the
 * watchdog, read .env; then `start` the parts, print their banner lines and keep running until
 * Ctrl-C, SIGTERM, SIGHUP or an unexpected error, which stop every part in reverse order and exit.
 */
export async function runLocalServer(
  { command, port, host, beforeStop }: LocalServerOptions,
  start: (server: LocalServer) => Promise<string[]>,
): Promise<void> {
  const holder = devLockHolder();
  if (holder !== undefined) {
    refuse(
      command,
      `pnpm ${holder.command ?? 'dev'} is already running in this checkout (pid ${holder.pid}, http://localhost:${holder.port}); stop it first`,
    );
  }
  if (!(await isPortFree(port, host)))
    refuse(command, `port ${port} is already in use on ${host}; stop what holds it or pass --port`);
  const releaseLock = takeDevLock(port, command);
  const server = lifecycle(command, releaseLock, beforeStop);
  // netlify dev reads .env itself; read it here too so that what is set there counts as set.
  loadDotEnv();
  try {
    const banner = await start(server);
    console.log(['', ...banner, '', 'Ctrl-C stops everything.', ''].join('\n'));
  } catch (error) {
    console.error(`[${command}] could not start:`, error instanceof Error ? error.message : error);
    await server.stop(1);
  }
}

function refuse(command: string, reason: string): never {
  console.error(`[${command}] ${reason}`);
  process.exit(1);
}

/** Stopping, on every signal and crash: each part newest first, then the lock, then exit. */
function lifecycle(command: string, releaseLock: () => void, beforeStop?: () => void): LocalServer {
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<never> | undefined;
  // Ctrl-C reaches both tsx and this process, so it arrives twice: later calls wait for the first.
  const stop = (code: number): Promise<never> => {
    stopping ??= (async () => {
      beforeStop?.();
      for (const part of stops.reverse()) await part().catch(() => {});
      releaseLock();
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // A bug in this script must not leave the stack running without it.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error) => {
      console.error(`[${command}] stopping after an unexpected error:`, error instanceof Error ? error.message : error);
      void stop(1);
    });
  }
  return { lifeline: startLifeline(), onStop: (part) => stops.push(part), stop };
}
