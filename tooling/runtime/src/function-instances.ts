import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LambdaEvent } from './lambda-event.ts';

const instanceScript = join(import.meta.dirname, 'instance.mjs');

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

/** How the answer to one invocation comes back. */
export interface ResponseSink {
  head(statusCode: number, headers: Record<string, string[]>): void;
  chunk(data: Uint8Array): void;
  end(): void;
  /** The invocation failed before or while answering (crash, timeout, rejected handler). */
  fail(statusCode: 502 | 504, message: string): void;
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

interface Instance extends InstanceStats {
  child: ChildProcess;
  retireTimer?: NodeJS.Timeout;
  /** The invocation in progress, whose messages this instance forwards. */
  current?: {
    id: string;
    sink: ResponseSink;
    answered: boolean;
    /** The response is complete and the handler is returning: this instance is free in a moment. */
    returning: boolean;
    finish: () => void;
  };
}

let invocationCounter = 0;

/**
 * The instances of one function, managed the way Lambda manages them: one invocation per instance
 * at a time; a frozen (SIGSTOP) instance is thawed (SIGCONT) and reused before a new one is started;
 * a new one — a real cold start: a fresh Node process importing the zip — only when all are busy, up
 * to `maxInstances`; an instance is frozen as soon as its invocation has returned (the bootstrap
 * returns only after the work handed to `context.waitUntil`), and killed after `retireAfterMs` idle.
 */
export class FunctionInstances {
  readonly #options: FunctionInstancesOptions;
  readonly #instances: Instance[] = [];
  readonly #waiting: Array<{ resolve: (instance: Instance) => void; reject: (error: Error) => void }> = [];
  #coldStarts = 0;
  #peak = 0;
  #invocations = 0;
  #retired = 0;
  #crashed = 0;

  constructor(options: FunctionInstancesOptions) {
    this.#options = options;
  }

  /** Runs one invocation on a warm instance, or a new one; resolves once it is over. */
  async invoke(event: LambdaEvent, sink: ResponseSink): Promise<void> {
    let instance: Instance;
    try {
      instance = await this.#acquire();
    } catch (error) {
      sink.fail(502, `function ${this.#options.name} could not start: ${(error as Error).message}`);
      return;
    }
    this.#invocations += 1;
    instance.requests += 1;
    invocationCounter += 1;
    const id = `${this.#options.name}-${invocationCounter}`;
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => {
        this.#options.log(
          `[serve] ${this.#options.name}#${instance.id} timed out after ${this.#options.timeoutMs} ms; killed`,
        );
        instance.current?.sink.fail(504, `function ${this.#options.name} timed out`);
        instance.current = undefined;
        this.#kill(instance);
        resolve();
      }, this.#options.timeoutMs);
      instance.current = {
        id,
        sink,
        answered: false,
        returning: false,
        finish: () => {
          clearTimeout(timeout);
          resolve();
        },
      };
      instance.child.send({ type: 'invoke', id, event, deadline: Date.now() + this.#options.timeoutMs });
    });
    if (instance.state !== 'dead') this.#release(instance);
  }

  stats(): FunctionStats {
    const live = this.#alive();
    return {
      name: this.#options.name,
      coldStarts: this.#coldStarts,
      live: live.length,
      peak: this.#peak,
      invocations: this.#invocations,
      retired: this.#retired,
      crashed: this.#crashed,
      instances: this.#instances.map(({ id, pid, state, requests, initMs }) => ({ id, pid, state, requests, initMs })),
    };
  }

  /** Kills every instance (a frozen process dies of SIGKILL without being thawed). */
  async stop(): Promise<void> {
    await Promise.all(
      this.#alive().map((instance) => {
        const exited = new Promise((resolve) => instance.child.once('exit', resolve));
        this.#kill(instance);
        return exited;
      }),
    );
  }

  async #acquire(): Promise<Instance> {
    // The most recently frozen first, as Lambda tends to: the others age towards retirement.
    const frozen = this.#instances.findLast((instance) => instance.state === 'frozen');
    if (frozen) {
      clearTimeout(frozen.retireTimer);
      frozen.state = 'busy';
      frozen.child.kill('SIGCONT');
      return frozen;
    }
    // An instance that has answered is about to return: on loopback a client's next request can
    // arrive before that return is reported, which over the platform's network it would not. Wait
    // for it rather than start another (an instance still busy with `waitUntil` work is not waited for).
    if (this.#alive().length < this.#options.maxInstances && this.#returning() <= this.#waiting.length) {
      return this.#start();
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Instances not yet dead: starting, busy or frozen. */
  #alive(): Instance[] {
    return this.#instances.filter((instance) => instance.state !== 'dead');
  }

  /** Instances that have answered and are about to return (see #acquire). */
  #returning(): number {
    return this.#instances.filter((instance) => instance.state === 'busy' && instance.current?.returning).length;
  }

  /** Requests waiting on an instance that turned out to be busy with `waitUntil` work get a new one. */
  #startForUnmatchedWaiters(): void {
    const returning = this.#returning();
    for (
      let spare = this.#options.maxInstances - this.#alive().length;
      spare > 0 && this.#waiting.length > returning;
      spare -= 1
    ) {
      const waiter = this.#waiting.pop();
      if (waiter) this.#start().then(waiter.resolve, waiter.reject);
    }
  }

  /** Ends an instance on purpose (retired, timed out, stopped): not counted as a crash. */
  #kill(instance: Instance): void {
    clearTimeout(instance.retireTimer);
    instance.state = 'dead';
    instance.child.kill('SIGKILL');
  }

  #release(instance: Instance): void {
    const next = this.#waiting.shift();
    if (next) {
      next.resolve(instance);
      return;
    }
    instance.state = 'frozen';
    instance.child.kill('SIGSTOP');
    instance.retireTimer = setTimeout(() => {
      if (instance.state !== 'frozen') return;
      this.#retired += 1;
      this.#kill(instance);
    }, this.#options.retireAfterMs);
  }

  #start(): Promise<Instance> {
    const { name, directory, env, log } = this.#options;
    this.#coldStarts += 1;
    const child = fork(instanceScript, [join(directory, '___netlify-entry-point.mjs'), name], {
      cwd: directory,
      env,
      execArgv: [],
      // Buffers cross the channel as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // A group of its own, so a watchdog can kill it (frozen or not) if `pnpm serve` dies outright.
      detached: true,
    });
    this.#options.onStart?.(child);
    const instance: Instance = { id: this.#coldStarts, pid: child.pid, state: 'starting', requests: 0, child };
    this.#instances.push(instance);
    this.#peak = Math.max(this.#peak, this.#alive().length);

    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) log(`[${name}#${instance.id}] ${line}`);
      });
    }

    child.on('message', (message: InstanceMessage) => {
      const current = instance.current;
      if (message.type === 'ready' || current === undefined || message.id !== current.id) return;
      if (message.type === 'head') {
        current.answered = true;
        current.sink.head(message.statusCode, message.headers);
      } else if (message.type === 'chunk') current.sink.chunk(message.chunk);
      else if (message.type === 'end') {
        current.returning = true;
        current.sink.end();
      } else if (message.type === 'working') {
        current.returning = false;
        this.#startForUnmatchedWaiters();
      } else if (message.type === 'failed' || message.type === 'done') {
        if (message.type === 'failed' && !current.answered) current.sink.fail(502, `function ${name} failed`);
        instance.current = undefined;
        current.finish();
      }
    });

    return new Promise<Instance>((resolve, reject) => {
      child.on('message', (message: InstanceMessage) => {
        if (message.type !== 'ready') return;
        instance.initMs = message.initMs;
        instance.state = 'busy';
        resolve(instance);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(instance.retireTimer);
        const wasAlive = instance.state !== 'dead';
        instance.state = 'dead';
        if (wasAlive) {
          // Not retired by us: it crashed (an uncaught error ends a Lambda instance too).
          this.#crashed += 1;
          log(`[serve] ${name}#${instance.id} exited (${signal ?? `code ${code}`})`);
        }
        const current = instance.current;
        instance.current = undefined;
        if (current) {
          if (!current.answered) current.sink.fail(502, `function ${name} crashed`);
          else current.sink.end();
          current.finish();
        }
        reject(new Error(`instance exited during init (${signal ?? `code ${code}`})`));
        // A request waiting for a free instance may now start one.
        const next = this.#waiting.shift();
        if (next) this.#start().then(next.resolve, next.reject);
      });
    });
  }
}

type InstanceMessage =
  | { type: 'ready'; initMs: number; id?: undefined }
  | { type: 'head'; id: string; statusCode: number; headers: Record<string, string[]> }
  | { type: 'chunk'; id: string; chunk: Uint8Array }
  | { type: 'end'; id: string }
  | { type: 'working'; id: string }
  | { type: 'done'; id: string }
  | { type: 'failed'; id: string; message: string };
