import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PoolTimeoutError } from './errors.ts';
import { PermitQueue } from './permit-queue.ts';

describe('PermitQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should grant up to max at once and queue the rest in arrival order', async () => {
    const queue = new PermitQueue(2);
    const first = await queue.acquire(1_000);
    await queue.acquire(1_000);
    const order: number[] = [];
    const third = queue.acquire(1_000).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = queue.acquire(1_000).then(() => order.push(4));
    expect(queue).toMatchObject({ active: 2, waiting: 2 });
    first();
    (await third)();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(queue.waiting).toBe(0);
  });

  it('should hand out a free permit at once with tryAcquire, and none while all are taken', () => {
    const queue = new PermitQueue(1);
    const release = queue.tryAcquire();
    expect(release).toBeTypeOf('function');
    expect(queue.tryAcquire()).toBeUndefined();
    expect(queue).toMatchObject({ active: 1, waiting: 0 });
    release?.();
    expect(queue.active).toBe(0);
    expect(queue.tryAcquire()).toBeTypeOf('function');
  });

  it('should hand a released permit straight to the next waiter, and count a double release once', async () => {
    const queue = new PermitQueue(1);
    const release = await queue.acquire(1_000);
    const next = queue.acquire(1_000);
    release();
    release();
    await next;
    expect(queue).toMatchObject({ active: 1, waiting: 0 });
  });

  it('should reject a waiter with PoolTimeoutError after timeoutMs and leave the queue consistent', async () => {
    const queue = new PermitQueue(1);
    const release = await queue.acquire(1_000);
    const waiting = queue.acquire(200).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(199);
    expect(queue.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await waiting;
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(queue.waiting).toBe(0);
    release();
    expect(queue.active).toBe(0);
  });
});
