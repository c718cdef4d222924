import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { join } from 'node:path';

export interface Lifeline {
  /** Stop this process group whenever the current process ends, however it ends. */
  guard(child: ChildProcess): void;
}

/**
 * A watchdog for the processes `pnpm dev` starts in groups of their own (netlify dev and its
 * workers). Signal handlers cover Ctrl-C, SIGTERM and a closed terminal, but not a SIGKILL or a
 * crash of the dev script itself, which used to leave netlify dev serving the port. The watchdog
 * holds the read end of a pipe; when this process is gone, for any reason, the pipe closes and it
 * stops every group it was given.
 */
export function startLifeline(): Lifeline {
  const watchdog = spawn(process.execPath, [join(import.meta.dirname, 'lifeline.mjs')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // A child's stdin pipe is a socket. Neither it nor the watchdog may keep `pnpm dev` alive.
  const pipe = watchdog.stdin as Socket;
  watchdog.unref();
  pipe.unref();
  return {
    guard(child) {
      if (child.pid !== undefined) pipe.write(`${child.pid}\n`);
    },
  };
}
