import diagnostics_channel from 'node:diagnostics_channel';
import { PoolTimeoutError } from './errors.ts';

/**
 * A caller that had to wait for a connection, once it gets one: `{ waitedMs, waiting }`. Read by
 * name in @app/observability (a debug line of the request), without this package knowing it.
 */
export const poolWaitChannel = diagnostics_channel.channel('app:db:pool-wait');

/**
 * Hands out at most `max` permits; later callers wait in FIFO order, each for at most
 * `timeoutMs`. It sits in front of the driver's pool so that the queue wait (a saturated pool →
 * 503 quickly) and the connect timeout (an unreachable database) are separate, and so `waiting`
 * is an exact count rather than the driver's internal detail.
 */
export class PermitQueue {
  readonly max: number;
  #active = 0;
  #waiters: Array<() => void> = [];

  constructor(max: number) {
    this.max = max;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** A release function (to be called exactly once) when a permit is free now, else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.#active >= this.max) return undefined;
    this.#active += 1;
    return this.#releaser();
  }

  /** Resolves to a release function, to be called exactly once. */
  acquire(timeoutMs: number): Promise<() => void> {
    const free = this.tryAcquire();
    if (free !== undefined) return Promise.resolve(free);
    const since = performance.now();
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        if (poolWaitChannel.hasSubscribers) {
          poolWaitChannel.publish({ waitedMs: Math.round(performance.now() - since), waiting: this.#waiters.length });
        }
        resolve(this.#releaser());
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(grant), 1);
        reject(
          new PoolTimeoutError(
            `All ${this.max} database connections stayed busy for ${timeoutMs} ms (DB_QUEUE_TIMEOUT_MS); raise DB_POOL_MAX or find the slow queries`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // Hand the permit straight to the next waiter: `active` stays the same.
      if (next) next();
      else this.#active -= 1;
    };
  }
}
