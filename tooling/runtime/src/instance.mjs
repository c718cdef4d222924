// @ts-check
/**
 * One function instance, the way AWS Lambda (under Netlify) runs one: a Node process that loads the
 * zip's own entry point once — `___netlify-entry-point.mjs`, which hands the function to Netlify's
 * bootstrap — and then serves one invocation at a time, sent by `pnpm serve` over the IPC channel.
 *
 * Plain JavaScript run by bare Node, with nothing preloaded: the only code here is what Lambda's
 * runtime provides around the bootstrap — the response-streaming globals (`awslambda.*`), the event
 * and the context. Between invocations `pnpm serve` freezes this process (SIGSTOP).
 *
 * The messages, both ways, are instance-protocol.ts's types: this file is type-checked against
 * them (`// @ts-check`), so the two sides cannot drift apart.
 *
 * @typedef {import('./instance-protocol.ts').InstanceMessage} InstanceMessage
 * @typedef {import('./instance-protocol.ts').InvokeMessage} InvokeMessage
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const [entryPoint, functionName] = process.argv.slice(2);

/**
 * Each message waits for the previous to be handed to the channel: backpressure for big bodies.
 * @param {InstanceMessage} message
 * @returns {Promise<void>}
 */
const send = (message) =>
  new Promise((resolve, reject) =>
    process.send?.(message, undefined, undefined, (error) => (error ? reject(error) : resolve())),
  );

/** The response stream Lambda gives a streaming handler: what is written goes to `pnpm serve`. */
class ResponseStream extends Writable {
  /**
   * @param {string} id
   * @param {() => void} onEnded
   */
  constructor(id, onEnded) {
    super();
    this.id = id;
    this.onEnded = onEnded;
  }
  /** @override @param {Uint8Array} chunk @param {string} _encoding @param {(error?: Error | null) => void} callback */
  _write(chunk, _encoding, callback) {
    send({ type: 'chunk', id: this.id, chunk }).then(() => callback(), callback);
  }
  /** @override @param {(error?: Error | null) => void} callback */
  _final(callback) {
    send({ type: 'end', id: this.id }).then(() => {
      callback();
      this.onEnded();
    }, callback);
  }
}

// Lambda's Node.js runtime defines these globals; Netlify's bootstrap calls them.
/** @type {any} */ (globalThis).awslambda = {
  /** @param {unknown} handler */
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    /**
     * Lambda writes the status and headers as a prelude of the stream; here they go as one message.
     * @param {ResponseStream} stream
     * @param {{ statusCode?: number, headers?: Record<string, unknown>, multiValueHeaders?: Record<string, string[]> }} prelude
     */
    from(stream, { statusCode = 200, headers = {}, multiValueHeaders = {} }) {
      /** @type {Record<string, string[]>} */
      const all = { ...multiValueHeaders };
      for (const [name, value] of Object.entries(headers)) all[name] = [String(value)];
      void send({ type: 'head', id: stream.id, statusCode, headers: all });
      return stream;
    },
  },
};

const { handler } = await import(pathToFileURL(/** @type {string} */ (entryPoint)).href);
await send({ type: 'ready', initMs: performance.now() - started });

/**
 * The response as a whole is over: for a null body (HEAD, 204, 304) the bootstrap ends the stream
 * without waiting for it, and the handler returns before the stream's own `end` has been sent.
 * `done` must follow `end`, and a stream the handler left open is ended, as Lambda ends it.
 * @param {ResponseStream} stream
 */
async function responseOver(stream) {
  if (stream.writableFinished) return;
  if (!stream.writableEnded) stream.end();
  await finished(stream).catch(() => {});
}

process.on('message', async (/** @type {InvokeMessage} */ { type, id, event, deadline }) => {
  if (type !== 'invoke') return;
  const context = {
    awsRequestId: id,
    functionName,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    callbackWaitsForEmptyEventLoop: true,
    clientContext: { custom: {} },
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let returned = false;
  // Without waitUntil work the bootstrap returns within the microtasks that follow the end of the
  // stream; a handler still running a turn later is working on something: say so, so that
  // `pnpm serve` starts another instance for the next request rather than wait for this one.
  const onEnded = () => setImmediate(() => returned || void send({ type: 'working', id }));
  const stream = new ResponseStream(id, onEnded);
  try {
    await handler(event, stream, context);
    returned = true;
    await responseOver(stream);
    await send({ type: 'done', id });
  } catch (error) {
    returned = true;
    // Lambda logs a rejected invocation and keeps the instance; so do we.
    console.error(error);
    await send({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  }
});
