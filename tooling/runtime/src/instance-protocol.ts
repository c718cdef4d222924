/**
 * The messages between `pnpm serve` and one instance process (`instance.mjs`, which checks itself
 * against these types with `// @ts-check`). One definition for both sides.
 */
import type { LambdaEvent } from './lambda-event.ts';

/** To the instance: run one invocation; its messages carry `id`. */
export interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: LambdaEvent;
  /** `Date.now()` past which the invocation is out of time (`getRemainingTimeInMillis`). */
  deadline: number;
}

/** From the instance: `ready` once after loading the zip's entry point, then per invocation, in this order. */
export type InstanceMessage =
  | { type: 'ready'; initMs: number; id?: undefined }
  /** The response's status and headers (Lambda's response-stream prelude). */
  | { type: 'head'; id: string; statusCode: number; headers: Record<string, string[]> }
  | { type: 'chunk'; id: string; chunk: Uint8Array }
  /** The response has ended; the handler is returning. */
  | { type: 'end'; id: string }
  /** The handler had not returned a turn after the end: it is working on `context.waitUntil` promises. */
  | { type: 'working'; id: string }
  /** The handler returned: the instance is free. */
  | { type: 'done'; id: string }
  /** The handler rejected: the instance is free, and Lambda logs the error. */
  | { type: 'failed'; id: string; message: string };
