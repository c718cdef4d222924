import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { InstanceMessage, InvokeMessage } from './instance-protocol.ts';
import type { LambdaEvent } from './lambda-event.ts';
import type { SchedulableInstance } from './scheduler.ts';

const instanceScript = join(import.meta.dirname, 'instance.mjs');

/** How the answer to one invocation comes back. */
export interface ResponseSink {
  head(statusCode: number, headers: Record<string, string[]>): void;
  chunk(data: Uint8Array): void;
  end(): void;
  /**
   * No answer from the function: it failed before or while answering (502 crash or rejected
   * handler, 504 timeout), or no instance was free for it (429 queue full, 503 waited too long).
   */
  fail(statusCode: 429 | 502 | 503 | 504, message: string): void;
}

export interface InstanceOptions {
  id: number;
  /** The function's name, as in `/.netlify/functions/<name>`. */
  name: string;
  /** The unpacked zip: holds `___netlify-entry-point.mjs`. */
  directory: string;
  /** The instance's whole environment (Lambda's variables included). */
  env: Record<string, string>;
  /** A frozen instance idle this long is retired (killed, as Lambda does). */
  retireAfterMs: number;
  /** Where its stdout and stderr lines go, prefixed with the instance. */
  log: (line: string) => void;
  /** Called with the new process (to guard it against `pnpm serve` dying). */
  onStart?: (child: ChildProcess) => void;
  /** It reported `working` after its response ended (waitUntil work). */
  onWorking: () => void;
  /** It died: `crashed` unless it was killed on purpose (retired, timed out, stopped). */
  onExit: (crashed: boolean) => void;
  /** It was retired after `retireAfterMs` frozen. */
  onRetired: () => void;
}

interface Invocation {
  id: string;
  sink: ResponseSink;
  answered: boolean;
  ended: boolean;
  finish: () => void;
}

let invocationCounter = 0;

/**
 * One instance: a Node process that imports the zip's entry point once (`instance.mjs`) and serves
 * one invocation at a time. Its state changes only here — start, invoke, freeze (SIGSTOP), thaw
 * (SIGCONT), retire and kill — and each message of the protocol (instance-protocol.ts) is read here.
 */
export class FunctionInstance implements SchedulableInstance {
  readonly id: number;
  readonly pid: number | undefined;
  state: 'starting' | 'busy' | 'frozen' | 'dead' = 'starting';
  returning = false;
  requests = 0;
  initMs: number | undefined;
  /** Resolves once the entry point is loaded; rejects if the process dies first. */
  readonly ready: Promise<void>;
  readonly #options: InstanceOptions;
  readonly #child: ChildProcess;
  #current: Invocation | undefined;
  #retireTimer: NodeJS.Timeout | undefined;

  constructor(options: InstanceOptions) {
    this.#options = options;
    this.id = options.id;
    this.#child = fork(instanceScript, [join(options.directory, '___netlify-entry-point.mjs'), options.name], {
      cwd: options.directory,
      env: options.env,
      execArgv: [],
      // Buffers cross the channel as bytes, not as JSON arrays of numbers.
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // A group of its own, so a watchdog can kill it (frozen or not) if `pnpm serve` dies outright.
      detached: true,
    });
    this.pid = this.#child.pid;
    options.onStart?.(this.#child);
    this.#forwardOutput();
    this.ready = new Promise((resolve, reject) => {
      this.#child.on('message', (message: InstanceMessage) => this.#receive(message, resolve));
      this.#child.once('exit', (code, signal) => {
        this.#exited(signal ?? `code ${code}`);
        reject(new Error(`instance exited during init (${signal ?? `code ${code}`})`));
      });
    });
  }

  /** Runs one invocation; resolves once it is over (returned, failed, timed out or crashed). */
  invoke(event: LambdaEvent, sink: ResponseSink, timeoutMs: number): Promise<void> {
    this.requests += 1;
    this.returning = false;
    invocationCounter += 1;
    const id = `${this.#options.name}-${invocationCounter}`;
    return new Promise<void>((resolve) => {
      const timeout = setTimeout(() => {
        this.#options.log(`[serve] ${this.#options.name}#${this.id} timed out after ${timeoutMs} ms; killed`);
        this.#current?.sink.fail(504, `function ${this.#options.name} timed out`);
        this.#current = undefined;
        this.kill();
        resolve();
      }, timeoutMs);
      this.#current = {
        id,
        sink,
        answered: false,
        ended: false,
        finish: () => {
          clearTimeout(timeout);
          resolve();
        },
      };
      this.#child.send({ type: 'invoke', id, event, deadline: Date.now() + timeoutMs } satisfies InvokeMessage);
    });
  }

  freeze(): void {
    this.state = 'frozen';
    this.returning = false;
    this.#child.kill('SIGSTOP');
    this.#retireTimer = setTimeout(() => {
      if (this.state !== 'frozen') return;
      this.#options.onRetired();
      this.kill();
    }, this.#options.retireAfterMs);
  }

  thaw(): void {
    clearTimeout(this.#retireTimer);
    this.state = 'busy';
    this.#child.kill('SIGCONT');
  }

  /** Ends it on purpose (retired, timed out, stopped): not a crash. A frozen process dies of SIGKILL too. */
  kill(): void {
    clearTimeout(this.#retireTimer);
    this.state = 'dead';
    this.#child.kill('SIGKILL');
  }

  /** Kills it and resolves once the process is gone. */
  stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.kill();
    return exited;
  }

  #receive(message: InstanceMessage, ready: () => void): void {
    if (message.type === 'ready') {
      this.initMs = message.initMs;
      this.state = 'busy';
      ready();
      return;
    }
    const current = this.#current;
    if (current === undefined || message.id !== current.id) return;
    if (message.type === 'head') {
      current.answered = true;
      current.sink.head(message.statusCode, message.headers);
    } else if (message.type === 'chunk') current.sink.chunk(message.chunk);
    else if (message.type === 'end') {
      this.returning = true;
      current.ended = true;
      current.sink.end();
    } else if (message.type === 'working') {
      this.returning = false;
      this.#options.onWorking();
    } else {
      if (message.type === 'failed' && !current.answered)
        current.sink.fail(502, `function ${this.#options.name} failed`);
      // The handler returned: a response it started is over, even if its end was never reported.
      else if (current.answered && !current.ended) current.sink.end();
      this.#current = undefined;
      current.finish();
    }
  }

  #exited(how: string): void {
    clearTimeout(this.#retireTimer);
    const crashed = this.state !== 'dead';
    this.state = 'dead';
    // Not killed by us: it crashed (an uncaught error ends a Lambda instance too).
    if (crashed) this.#options.log(`[serve] ${this.#options.name}#${this.id} exited (${how})`);
    const current = this.#current;
    this.#current = undefined;
    if (current) {
      if (!current.answered) current.sink.fail(502, `function ${this.#options.name} crashed`);
      else current.sink.end();
      current.finish();
    }
    this.#options.onExit(crashed);
  }

  #forwardOutput(): void {
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#options.log(`[${this.#options.name}#${this.id}] ${line}`);
      });
    }
  }
}
