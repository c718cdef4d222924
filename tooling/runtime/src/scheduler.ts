/** What the scheduler needs of an instance: its state, and the two moves it makes on one. */
export interface SchedulableInstance {
  readonly state: 'starting' | 'busy' | 'frozen' | 'dead';
  /**
   * Its response has ended and its handler is returning: free in a moment. Cleared when the
   * instance reports it is still working (`context.waitUntil`), or when it is released.
   */
  readonly returning: boolean;
  /** frozen → busy (SIGCONT). */
  thaw(): void;
  /** busy → frozen (SIGSTOP), until thawed or retired. */
  freeze(): void;
  /** Resolves once a started instance is ready to serve; rejects if it died first. */
  readonly ready: Promise<void>;
}

interface Waiter<I> {
  resolve: (instance: I) => void;
  reject: (error: Error) => void;
}

/** A waiting request gave up (its `signal` aborted) before an instance was free for it. */
export class WaitTimeoutError extends Error {
  constructor() {
    super('no instance freed up in time');
  }
}

/**
 * Which instance serves the next invocation of one function, the way Lambda decides: one
 * invocation per instance at a time; a frozen instance is reused (the most recently frozen first)
 * before a new one is started; a new one — a cold start — only when every instance is busy, up to
 * `maxInstances`; beyond that, requests wait in arrival order for the next instance released.
 *
 * Only events decide: an instance that has answered and is returning (`returning`) is waited for
 * rather than doubled by a cold start — on loopback a client's next request can arrive before the
 * return is reported, which over the platform's network it would not — until it reports that it
 * is still working (`instanceWorking`), when the request it held gets an instance of its own.
 */
export class Scheduler<I extends SchedulableInstance> {
  readonly #maxInstances: number;
  readonly #start: () => I;
  readonly #instances: I[] = [];
  readonly #waiting: Waiter<I>[] = [];

  /** `start` begins a new instance (`starting`; busy, for this request, once `ready`). */
  constructor({ maxInstances, start }: { maxInstances: number; start: () => I }) {
    this.#maxInstances = maxInstances;
    this.#start = start;
  }

  /** Every instance started so far, in order, dead ones included. */
  get instances(): readonly I[] {
    return this.#instances;
  }

  /** Requests waiting for an instance. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * An instance for one invocation: a thawed frozen one, a new one, or the next released — unless
   * `signal` aborts while it waits (then it leaves the queue, rejected with `WaitTimeoutError`).
   */
  acquire(signal?: AbortSignal): Promise<I> {
    const frozen = this.#instances.findLast((instance) => instance.state === 'frozen');
    if (frozen) {
      frozen.thaw();
      return Promise.resolve(frozen);
    }
    if (this.#spare() > 0 && this.#returning() <= this.#waiting.length) return this.#startOne();
    return new Promise((resolve, reject) => {
      const waiter: Waiter<I> = { resolve, reject };
      this.#waiting.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#waiting.indexOf(waiter);
          if (index === -1) return;
          this.#waiting.splice(index, 1);
          reject(new WaitTimeoutError());
        },
        { once: true },
      );
    });
  }

  /** The invocation on `instance` is over: it serves the longest-waiting request, or is frozen. */
  release(instance: I): void {
    // A dead one was already reported through `instanceExited`.
    if (instance.state === 'dead') return;
    const next = this.#waiting.shift();
    if (next) next.resolve(instance);
    else instance.freeze();
  }

  /** An instance that was returning is busy with `waitUntil` work: requests it held get new instances. */
  instanceWorking(): void {
    for (let spare = this.#spare(); spare > 0 && this.#waiting.length > this.#returning(); spare -= 1) {
      const waiter = this.#waiting.pop();
      if (waiter) this.#startOne().then(waiter.resolve, waiter.reject);
    }
  }

  /** An instance died (crashed, timed out, retired): a waiting request may start one in its place. */
  instanceExited(): void {
    if (this.#spare() <= 0) return;
    const next = this.#waiting.shift();
    if (next) this.#startOne().then(next.resolve, next.reject);
  }

  #startOne(): Promise<I> {
    const instance = this.#start();
    this.#instances.push(instance);
    return instance.ready.then(() => instance);
  }

  #spare(): number {
    return this.#maxInstances - this.#instances.filter((instance) => instance.state !== 'dead').length;
  }

  #returning(): number {
    return this.#instances.filter((instance) => instance.state === 'busy' && instance.returning).length;
  }
}
