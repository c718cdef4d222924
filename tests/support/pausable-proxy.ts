import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

export interface PausableProxy {
  port: number;
  /** From now on, bytes from clients are held, not forwarded: whoever waits on the database waits. */
  pause(): void;
  /** Forwards what was held, and everything after. */
  resume(): void;
  /** Resolves when a client has sent bytes that are being held: a query is now stuck. */
  held(): Promise<void>;
  /**
   * From the first client bytes matching `pattern` on (a `COMMIT`), the server's replies are held:
   * the statement ran, its answer never arrives — a connection lost after COMMIT was sent.
   * Resolves when that happens.
   */
  holdRepliesAfter(pattern: RegExp): Promise<void>;
  /** Delivers the held replies, and everything after. */
  releaseReplies(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy to `target` the test can pause: a database that stops answering on cue, so that an
 * instance stays busy exactly as long as the test says (events, not timing).
 */
export async function startPausableProxy(target: { host: string; port: number }): Promise<PausableProxy> {
  let paused = false;
  const heldBytes: Array<() => void> = [];
  let onHeld: (() => void) | undefined;
  let replyWatch: { pattern: RegExp; matched: () => void } | undefined;
  let repliesHeld = false;
  const heldReplies: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (data: Buffer) => {
      if (replyWatch?.pattern.test(data.toString('latin1'))) {
        repliesHeld = true;
        replyWatch.matched();
        replyWatch = undefined;
      }
      if (!paused) return void upstream.write(data);
      heldBytes.push(() => upstream.write(data));
      onHeld?.();
    });
    upstream.on('data', (data: Buffer) => {
      if (repliesHeld) heldReplies.push(() => client.write(data));
      else client.write(data);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const write of heldBytes.splice(0)) write();
    },
    held: () =>
      heldBytes.length > 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            onHeld = resolve;
          }),
    holdRepliesAfter: (pattern) =>
      new Promise((resolve) => {
        replyWatch = { pattern, matched: resolve };
      }),
    releaseReplies: () => {
      repliesHeld = false;
      for (const write of heldReplies.splice(0)) write();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
