import type { ChildProcess } from 'node:child_process';
import type { ResponseSink } from './function-instance.ts';
import { FunctionInstance } from './function-instance.ts';
import type { LambdaEvent } from './lambda-event.ts';
import { Scheduler, WaitTimeoutError } from './scheduler.ts';

export type { ResponseSink } from './function-instance.ts';

/**
 * One request on its way to an instance. Its body is read first, as Netlify's edge buffers it (a
 * slow client never holds an instance); its event — the body again, base64 — is built only once
 * an instance is its own, so a waiting request holds its bytes and nothing more.
 */
export interface IncomingInvocation {
  /** The body, or undefined once the request has been answered without one (413). */
  readBody(): Promise<Buffer | undefined>;
  toEvent(body: Buffer): LambdaEvent;
}

export interface FunctionInstancesOptions {
  /** The function's name, as in `/.netlify/functions/<name>`. */
  name: string;
  /** The unpacked zip: holds `___netlify-entry-point.mjs`. */
  directory: string;
  /** The instance's whole environment (Lambda's variables included). */
  env: Record<string, string>;
  /** At most this many instances of this function at once; more requests wait for one. */
  maxInstances: number;
  /**
   * Requests beyond `maxInstances` that may be in flight — reading their body or waiting for an
   * instance; more are refused with 429 at once, before their body is read. @default 100
   */
  maxWaiting?: number;
  /** A request that waited this long for an instance gets 503 with `Retry-After`. @default 10_000 */
  maxWaitMs?: number;
  /** A frozen instance idle this long is retired (killed, as Lambda does). */
  retireAfterMs: number;
  /** An invocation still running after this long is killed with its instance. */
  timeoutMs: number;
  /** Where the instances' stdout and stderr lines go, prefixed with the instance. */
  log: (line: string) => void;
  /** Called with each new instance's process (to guard it against this process dying). */
  onStart?: (child: ChildProcess) => void;
}

export interface InstanceStats {
  id: number;
  pid: number | undefined;
  state: 'starting' | 'busy' | 'frozen' | 'dead';
  requests: number;
  initMs?: number;
}

export interface FunctionStats {
  name: string;
  /** Instances started so far: each one was a cold start. */
  coldStarts: number;
  /** Instances alive now (busy or frozen). */
  live: number;
  /** The most that were alive at once. */
  peak: number;
  invocations: number;
  /** Requests waiting for an instance now. */
  waiting: number;
  /** Requests refused without an instance: too many in flight (429) or the wait too long (503). */
  throttled: number;
  retired: number;
  crashed: number;
  instances: InstanceStats[];
}

/**
 * The instances of one function: the scheduler (scheduler.ts) decides which one serves each
 * invocation, each instance (function-instance.ts) owns its process; this joins the two and counts
 * what happened, for `/.netlify/serve/stats`.
 */
export class FunctionInstances {
  readonly #options: FunctionInstancesOptions;
  readonly #scheduler: Scheduler<FunctionInstance>;
  readonly #counts = { peak: 0, invocations: 0, throttled: 0, retired: 0, crashed: 0 };
  /** Requests reading their body, waiting for an instance or running on one. */
  #inFlight = 0;

  constructor(options: FunctionInstancesOptions) {
    this.#options = options;
    this.#scheduler = new Scheduler({ maxInstances: options.maxInstances, start: () => this.#startInstance() });
  }

  /**
   * Runs one invocation on a warm instance, or a new one; resolves once it is over. Bounded: past
   * `maxInstances + maxWaiting` requests in flight it answers 429 at once, and a request that
   * waits `maxWaitMs` for an instance gets 503 — both with `Retry-After`, as the platform throttles.
   */
  async invoke(incoming: IncomingInvocation, sink: ResponseSink): Promise<void> {
    const { name, maxInstances, maxWaiting = 100, timeoutMs } = this.#options;
    if (this.#inFlight >= maxInstances + maxWaiting) {
      this.#counts.throttled += 1;
      sink.fail(429, `function ${name} is busy: every instance is taken and ${maxWaiting} requests wait`);
      return;
    }
    this.#inFlight += 1;
    try {
      const body = await incoming.readBody().catch(() => undefined);
      if (body === undefined) return;
      const instance = await this.#acquire(sink);
      if (instance === undefined) return;
      this.#counts.invocations += 1;
      await instance.invoke(incoming.toEvent(body), sink, timeoutMs);
      if (instance.state !== 'dead') this.#scheduler.release(instance);
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** An instance, or undefined once the request has been answered 503 or 502 without one. */
  async #acquire(sink: ResponseSink): Promise<FunctionInstance | undefined> {
    const { name, maxWaitMs = 10_000 } = this.#options;
    try {
      return await this.#scheduler.acquire(AbortSignal.timeout(maxWaitMs));
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        this.#counts.throttled += 1;
        sink.fail(503, `function ${name} is busy: no instance freed up within ${maxWaitMs} ms`);
      } else {
        sink.fail(502, `function ${name} could not start: ${(error as Error).message}`);
      }
      return undefined;
    }
  }

  stats(): FunctionStats {
    const instances = this.#scheduler.instances;
    return {
      name: this.#options.name,
      coldStarts: instances.length,
      live: instances.filter((instance) => instance.state !== 'dead').length,
      waiting: this.#scheduler.waiting,
      ...this.#counts,
      instances: instances.map(({ id, pid, state, requests, initMs }) => ({ id, pid, state, requests, initMs })),
    };
  }

  /** Kills every instance (a frozen process dies of SIGKILL without being thawed). */
  async stop(): Promise<void> {
    await Promise.all(this.#scheduler.instances.map((instance) => instance.stop()));
  }

  #startInstance(): FunctionInstance {
    const { name, directory, env, retireAfterMs, log, onStart } = this.#options;
    const instance = new FunctionInstance({
      id: this.#scheduler.instances.length + 1,
      name,
      directory,
      env,
      retireAfterMs,
      log,
      onStart,
      onWorking: () => this.#scheduler.instanceWorking(),
      onRetired: () => {
        this.#counts.retired += 1;
      },
      onExit: (crashed) => {
        if (crashed) this.#counts.crashed += 1;
        this.#scheduler.instanceExited();
      },
    });
    const live = this.#scheduler.instances.filter((other) => other.state !== 'dead').length + 1;
    this.#counts.peak = Math.max(this.#counts.peak, live);
    return instance;
  }
}
