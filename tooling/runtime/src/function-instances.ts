import type { ChildProcess } from 'node:child_process';
import type { ResponseSink } from './function-instance.ts';
import { FunctionInstance } from './function-instance.ts';
import type { LambdaEvent } from './lambda-event.ts';
import { Scheduler } from './scheduler.ts';

export type { ResponseSink } from './function-instance.ts';

export interface FunctionInstancesOptions {
  /** The function's name, as in `/.netlify/functions/<name>`. */
  name: string;
  /** The unpacked zip: holds `___netlify-entry-point.mjs`. */
  directory: string;
  /** The instance's whole environment (Lambda's variables included). */
  env: Record<string, string>;
  /** At most this many instances of this function at once; more requests wait for one. */
  maxInstances: number;
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
  readonly #counts = { peak: 0, invocations: 0, retired: 0, crashed: 0 };

  constructor(options: FunctionInstancesOptions) {
    this.#options = options;
    this.#scheduler = new Scheduler({ maxInstances: options.maxInstances, start: () => this.#startInstance() });
  }

  /** Runs one invocation on a warm instance, or a new one; resolves once it is over. */
  async invoke(event: LambdaEvent, sink: ResponseSink): Promise<void> {
    let instance: FunctionInstance;
    try {
      instance = await this.#scheduler.acquire();
    } catch (error) {
      sink.fail(502, `function ${this.#options.name} could not start: ${(error as Error).message}`);
      return;
    }
    this.#counts.invocations += 1;
    await instance.invoke(event, sink, this.#options.timeoutMs);
    if (instance.state !== 'dead') this.#scheduler.release(instance);
  }

  stats(): FunctionStats {
    const instances = this.#scheduler.instances;
    return {
      name: this.#options.name,
      coldStarts: instances.length,
      live: instances.filter((instance) => instance.state !== 'dead').length,
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
