import { describe, expect, it } from 'vitest';
import type { SchedulableInstance } from './scheduler.ts';
import { Scheduler, WaitTimeoutError } from './scheduler.ts';

/** An instance without a process: its state moves as the scheduler and the test say. */
class FakeInstance implements SchedulableInstance {
  state: SchedulableInstance['state'] = 'starting';
  returning = false;
  readonly ready: Promise<void>;
  readonly id: number;
  #ready!: () => void;
  #fail!: (error: Error) => void;

  constructor(id: number) {
    this.id = id;
    this.ready = new Promise((resolve, reject) => {
      this.#ready = () => {
        this.state = 'busy';
        resolve();
      };
      this.#fail = reject;
    });
  }
  /** The process has loaded the entry point. */
  becomeReady() {
    this.#ready();
  }
  /** The process died (during init, or while serving). */
  die() {
    this.state = 'dead';
    this.#fail(new Error('died'));
  }
  thaw() {
    this.state = 'busy';
  }
  freeze() {
    this.state = 'frozen';
    this.returning = false;
  }
}

function setup(maxInstances = 3) {
  const started: FakeInstance[] = [];
  const scheduler = new Scheduler<FakeInstance>({
    maxInstances,
    start: () => {
      const instance = new FakeInstance(started.length + 1);
      started.push(instance);
      // Ready at once unless a test holds it back (`slowStart`).
      queueMicrotask(() => instance.becomeReady());
      return instance;
    },
  });
  return { scheduler, started };
}

/** Settles every promise chain already scheduled. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Scheduler', () => {
  it('should serve sequential invocations from one instance: one cold start', async () => {
    const { scheduler, started } = setup();
    for (let i = 0; i < 5; i += 1) {
      const instance = await scheduler.acquire();
      scheduler.release(instance);
    }
    expect(started).toHaveLength(1);
    expect(started[0]?.state).toBe('frozen');
  });

  it('should thaw the most recently frozen instance first', async () => {
    const { scheduler } = setup();
    const [a, b] = await Promise.all([scheduler.acquire(), scheduler.acquire()]);
    scheduler.release(a as FakeInstance);
    scheduler.release(b as FakeInstance);
    expect(await scheduler.acquire()).toBe(b);
    expect(a?.state).toBe('frozen');
  });

  it('should start one instance per concurrent invocation, up to the cap, and queue the rest in arrival order', async () => {
    const { scheduler, started } = setup(2);
    const first = await scheduler.acquire();
    const second = await scheduler.acquire();
    const order: string[] = [];
    const third = scheduler.acquire().then((instance) => {
      order.push('third');
      return instance;
    });
    const fourth = scheduler.acquire().then((instance) => {
      order.push('fourth');
      return instance;
    });
    await settle();
    expect(started).toHaveLength(2);
    expect(scheduler.waiting).toBe(2);
    scheduler.release(second);
    expect(await third).toBe(second);
    scheduler.release(first);
    expect(await fourth).toBe(first);
    expect(order).toEqual(['third', 'fourth']);
  });

  it('should wait for an instance whose response has ended rather than start another', async () => {
    const { scheduler, started } = setup();
    const busy = await scheduler.acquire();
    busy.returning = true; // 'end' arrived; 'done' has not yet
    const next = scheduler.acquire();
    await settle();
    expect(started).toHaveLength(1);
    scheduler.release(busy); // 'done'
    expect(await next).toBe(busy);
  });

  it('should start another for a waiting invocation once that instance reports waitUntil work', async () => {
    const { scheduler, started } = setup();
    const busy = await scheduler.acquire();
    busy.returning = true;
    const next = scheduler.acquire();
    await settle();
    busy.returning = false; // 'working'
    scheduler.instanceWorking();
    const other = await next;
    expect(other).not.toBe(busy);
    expect(started).toHaveLength(2);
  });

  it('should start an instance for a waiting invocation when one dies at the cap', async () => {
    const { scheduler, started } = setup(1);
    const only = await scheduler.acquire();
    const next = scheduler.acquire();
    await settle();
    only.die();
    scheduler.instanceExited();
    scheduler.release(only); // a dead instance is not handed on
    const replacement = await next;
    expect(replacement).toBe(started[1]);
    expect(replacement.state).toBe('busy');
  });

  it('should reject the invocation whose new instance dies during init', async () => {
    const started: FakeInstance[] = [];
    const scheduler = new Scheduler<FakeInstance>({
      maxInstances: 1,
      start: () => {
        const instance = new FakeInstance(1);
        started.push(instance);
        queueMicrotask(() => instance.die());
        return instance;
      },
    });
    await expect(scheduler.acquire()).rejects.toThrow('died');
  });

  it('should freeze an instance released with nobody waiting', async () => {
    const { scheduler } = setup();
    const instance = await scheduler.acquire();
    scheduler.release(instance);
    expect(instance.state).toBe('frozen');
  });

  it('should take a request that gives up out of the queue, and hand the next instance to the one after it', async () => {
    const { scheduler } = setup(1);
    const only = await scheduler.acquire();
    const impatient = new AbortController();
    const first = scheduler.acquire(impatient.signal);
    const second = scheduler.acquire();
    await settle();
    impatient.abort();
    await expect(first).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(scheduler.waiting).toBe(1);
    scheduler.release(only);
    expect(await second).toBe(only);
  });
});
