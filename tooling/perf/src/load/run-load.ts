import type { EndpointName, EndpointRequest } from './endpoints.ts';
import { endpoints } from './endpoints.ts';
import type { Sample } from './stats.ts';

export interface PhaseOptions extends Omit<DriveOptions, 'next' | 'headers'> {
  token: string;
  /** Proposal ids the reads and updates use. */
  ids: readonly string[];
  weights: Partial<Record<EndpointName, number>>;
}

export interface PhaseResult {
  samples: Sample[];
  durationMs: number;
  /** Failures beyond the status code: timeouts, connection errors, 503s without Retry-After. */
  extraErrors: Record<string, number>;
}

/** Creates `count` proposals for the run to read and update; needs a token the target accepts. */
export async function seedProposals(baseUrl: string, token: string, count = 10): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(new URL('/api/proposals', baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Load seed ${i + 1}`, clientName: 'Load', amountCents: 100 * (i + 1) }),
    });
    if (response.status === 401) throw new Error('the target refused the API token: pass --token or set API_TOKEN');
    if (response.status !== 201)
      throw new Error(`seeding proposals failed: POST /api/proposals answered ${response.status}`);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

/** Endpoint names repeated by weight and interleaved, so every client walks the same mix. */
export function schedule(weights: Partial<Record<EndpointName, number>>): EndpointName[] {
  const entries = Object.entries(weights).filter(([, weight]) => (weight ?? 0) > 0) as [EndpointName, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const slots: { name: EndpointName; position: number }[] = [];
  for (const [name, weight] of entries) {
    // Spread each endpoint's slots evenly over [0, 1) so no endpoint comes in a block.
    for (let k = 0; k < weight; k += 1) slots.push({ name, position: (k + 0.5) / weight });
  }
  return slots
    .sort((a, b) => a.position - b.position)
    .map((slot) => slot.name)
    .slice(0, total);
}

export interface DriveOptions {
  baseUrl: string;
  /** Closed model: concurrent clients, each with one request in flight at a time. */
  connections: number;
  /**
   * Open model: requests started per second, on a fixed schedule whatever the answers do
   * (`connections` is then ignored). Latency counts from each request's scheduled start.
   */
  arrivalRate?: number;
  durationSeconds: number;
  /** The `i`-th request of a client (i starts at the client's number). */
  next: (i: number) => EndpointRequest & { endpoint: string };
  headers?: Record<string, string>;
  /** Give up on one request after this long and count a timeout. @default 10000 */
  timeoutMs?: number;
  /** Called about once a second with everything recorded so far. */
  onProgress?: (samples: readonly Sample[], elapsedMs: number) => void;
}

/**
 * `connections` clients, each sending its next request as soon as the last one answered, for
 * `durationSeconds`. Latency is measured around the whole exchange (request sent → body read),
 * which is what a caller waits.
 *
 * Why not autocannon: through netlify dev its latencies came out about five times what its own
 * throughput allows (97 requests in 8 s over 5 connections, p50 2.1 s; a fetch loop on the same
 * server measured p50 0.4 s), so this thin loop over Node's fetch records each exchange instead.
 */
export async function drive(options: DriveOptions): Promise<PhaseResult> {
  if (options.arrivalRate !== undefined) return driveOpen({ ...options, arrivalRate: options.arrivalRate });
  const run = startRun(options);
  const deadline = run.started + options.durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, client) => {
      for (let i = client; performance.now() < deadline; i += 1) await run.exchange(i, performance.now());
    }),
  );
  return run.finish(0);
}

/** What both load models share: the samples, the error tally, the progress line, one exchange. */
function startRun({ baseUrl, next, headers = {}, timeoutMs = 10_000, onProgress }: DriveOptions) {
  const samples: Sample[] = [];
  const extraErrors: Record<string, number> = {};
  const count = (kind: string) => {
    extraErrors[kind] = (extraErrors[kind] ?? 0) + 1;
  };
  const started = performance.now();
  const progress = onProgress ? setInterval(() => onProgress(samples, performance.now() - started), 1_000) : undefined;
  return {
    started,
    samples,
    count,
    timeoutMs,
    /**
     * Sends request `i` and records it, its latency counted from `from` (when it was sent, or
     * when it was due) to the last byte of the body.
     */
    async exchange(i: number, from: number): Promise<void> {
      const { endpoint, method, path, body } = next(i);
      let status = 0;
      try {
        const response = await fetch(new URL(path, baseUrl), {
          method,
          body,
          headers,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer();
        status = response.status;
        if (status === 503 && !response.headers.has('retry-after')) count('503 without Retry-After');
      } catch (error) {
        count(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection error');
      }
      samples.push({ at: from - started, endpoint, status, latencyMs: performance.now() - from });
    },
    /** Stops the progress line; the run lasted at least `minDurationMs`. */
    finish(minDurationMs: number): PhaseResult {
      if (progress) clearInterval(progress);
      return { samples, durationMs: Math.max(minDurationMs, performance.now() - started), extraErrors };
    },
  };
}

/** Past this many requests in flight the open-model generator counts new ones as failed, unsent. */
const MAX_IN_FLIGHT = 2_000;

/**
 * The open model: request `i` is due at `i / arrivalRate` seconds and is sent then, whether or not
 * earlier ones have answered — as independent users do. A closed loop waits for each answer before
 * sending the next, so when the server stalls it stops asking and the stall goes unmeasured
 * (coordinated omission); here a stall shows as latency, counted from the scheduled start (so a
 * generator that falls behind its own schedule cannot hide it either).
 */
async function driveOpen(options: DriveOptions & { arrivalRate: number }): Promise<PhaseResult> {
  const { durationSeconds, next, arrivalRate } = options;
  const run = startRun(options);
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < Math.floor(durationSeconds * arrivalRate); i += 1) {
    const due = run.started + (i * 1_000) / arrivalRate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= MAX_IN_FLIGHT) {
      run.count('not sent: too many in flight');
      run.samples.push({ at: due - run.started, endpoint: next(i).endpoint, status: 0, latencyMs: run.timeoutMs });
      continue;
    }
    const request = run.exchange(i, due).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return run.finish(durationSeconds * 1_000);
}

/** One load phase of the proposals API: `drive` over the scenario's weighted mix. */
export function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const mix = schedule(options.weights);
  return drive({
    ...options,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    next: (i) => {
      const endpoint = mix[i % mix.length] as EndpointName;
      return { endpoint, ...endpoints[endpoint].next(options.ids) };
    },
  });
}
