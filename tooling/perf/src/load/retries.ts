import { randomUUID } from 'node:crypto';
import type { PhaseResult } from './run-load.ts';
import type { Sample } from './stats.ts';

/**
 * `pnpm load --scenario retries`: clients that do what the API tells them — a write that failed,
 * timed out or got 409/429/5xx is sent again with the same `Idempotency-Key` (and, for a PATCH,
 * the same `If-Match`) until it gets an answer. Creates carry a title unique to their operation;
 * updates are read-modify-write increments of a counter proposal. Afterwards the API itself is
 * read back: a title stored twice is a duplicate, a counter short of the increments the clients
 * saw succeed is a lost update, one past them a double-applied one.
 */
export interface RetriesOptions {
  baseUrl: string;
  token: string;
  connections: number;
  durationSeconds: number;
  /** Short on purpose: a timed-out write is retried while the first may still be running. */
  timeoutMs: number;
  /** Proposals whose amount the clients increment. */
  counterIds: readonly string[];
}

export interface RetriesResult extends PhaseResult {
  operations: number;
  retries: number;
  duplicates: number;
  lostUpdates: number;
  doubleApplied: number;
  /** Operations that still had no answer after MAX_ATTEMPTS, or got a 4xx other than 412. */
  failedOperations: number;
}

const MAX_ATTEMPTS = 30;
const retryable = (status: number) => status === 0 || status === 409 || status === 429 || status >= 500;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  etag: string | null;
  json: unknown;
}

function client(options: RetriesOptions, started: number, samples: Sample[], extraErrors: Record<string, number>) {
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  return async function send(
    endpoint: string,
    method: string,
    path: string,
    extra: Record<string, string> = {},
    body?: unknown,
  ): Promise<Answer> {
    const from = performance.now();
    let answer: Answer = { status: 0, etag: null, json: undefined };
    try {
      const response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers: { ...headers, ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      answer = {
        status: response.status,
        etag: response.headers.get('etag'),
        json: text ? JSON.parse(text) : undefined,
      };
    } catch (error) {
      // A timeout or a lost connection: status 0, retried like a 5xx.
      const kind = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'connection error';
      extraErrors[kind] = (extraErrors[kind] ?? 0) + 1;
    }
    samples.push({ at: from - started, endpoint, status: answer.status, latencyMs: performance.now() - from });
    return answer;
  };
}

/** Sends one write until it is answered, with the same key (and If-Match) every time. */
async function untilAnswered(tally: { retries: number }, attempt: () => Promise<Answer>): Promise<Answer> {
  let answer = await attempt();
  for (let tries = 1; retryable(answer.status) && tries < MAX_ATTEMPTS; tries += 1) {
    tally.retries += 1;
    await pause(20 + Math.random() * 80);
    answer = await attempt();
  }
  return answer;
}

export async function runRetries(options: RetriesOptions): Promise<RetriesResult> {
  const started = performance.now();
  const samples: Sample[] = [];
  const extraErrors: Record<string, number> = {};
  const send = client(options, started, samples, extraErrors);
  const runId = randomUUID().slice(0, 8);
  const tally = { operations: 0, retries: 0, failed: 0 };
  const titles: string[] = [];
  const increments = new Map<string, number>();
  const initial = new Map<string, number>();
  for (const id of options.counterIds) {
    const read = await send('read', 'GET', `/api/proposals/${id}`);
    initial.set(id, (read.json as { amountCents: number }).amountCents);
  }

  const create = async () => {
    const title = `retries ${runId} ${randomUUID()}`;
    const key = { 'Idempotency-Key': title };
    const body = { title, clientName: 'Retries', amountCents: 1 };
    const answer = await untilAnswered(tally, () => send('create', 'POST', '/api/proposals', key, body));
    if (answer.status === 201) titles.push(title);
    else tally.failed += 1;
  };
  const increment = async (id: string) => {
    for (let round = 0; round < MAX_ATTEMPTS; round += 1) {
      const read = await untilAnswered(tally, () => send('read', 'GET', `/api/proposals/${id}`));
      if (read.status !== 200 || read.etag === null) break;
      const amount = (read.json as { amountCents: number }).amountCents;
      const conditions = { 'If-Match': read.etag, 'Idempotency-Key': randomUUID() };
      const answer = await untilAnswered(tally, () =>
        send('update', 'PATCH', `/api/proposals/${id}`, conditions, { amountCents: amount + 1 }),
      );
      if (answer.status === 200) {
        increments.set(id, (increments.get(id) ?? 0) + 1);
        return;
      }
      if (answer.status !== 412) break; // 412: someone else got there first; read again
    }
    tally.failed += 1;
  };

  const deadline = started + options.durationSeconds * 1_000;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, n) => {
      for (let i = n; performance.now() < deadline; i += 1) {
        tally.operations += 1;
        const counter = options.counterIds[i % options.counterIds.length];
        if (i % 2 === 0 || counter === undefined) await create();
        else await increment(counter);
      }
    }),
  );
  const durationMs = performance.now() - started;
  const check = await verify(options, runId, initial, increments);
  return {
    samples,
    durationMs,
    extraErrors,
    operations: tally.operations,
    retries: tally.retries,
    failedOperations: tally.failed,
    ...check,
  };
}

/** Reads the API back: titles stored more than once, and counters against the increments seen. */
async function verify(
  options: RetriesOptions,
  runId: string,
  initial: ReadonlyMap<string, number>,
  increments: ReadonlyMap<string, number>,
): Promise<{ duplicates: number; lostUpdates: number; doubleApplied: number }> {
  const get = async (path: string) =>
    (await fetch(new URL(path, options.baseUrl), { signal: AbortSignal.timeout(30_000) })).json();
  const stored = new Map<string, number>();
  // Newest first: past proposals older than the run (with five minutes for clock skew), stop.
  const before = new Date(Date.now() - options.durationSeconds * 1_000 - 5 * 60_000).toISOString();
  let cursor: string | null = null;
  do {
    const page = (await get(`/api/proposals?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as {
      data: { title: string; createdAt: string }[];
      nextCursor: string | null;
    };
    for (const { title } of page.data) {
      if (title.startsWith(`retries ${runId} `)) stored.set(title, (stored.get(title) ?? 0) + 1);
    }
    const oldest = page.data.at(-1)?.createdAt;
    cursor = oldest !== undefined && oldest < before ? null : page.nextCursor;
  } while (cursor !== null);
  let lostUpdates = 0;
  let doubleApplied = 0;
  for (const [id, start] of initial) {
    const { amountCents } = (await get(`/api/proposals/${id}`)) as { amountCents: number };
    const expected = start + (increments.get(id) ?? 0);
    lostUpdates += Math.max(0, expected - amountCents);
    doubleApplied += Math.max(0, amountCents - expected);
  }
  const duplicates = [...stored.values()].reduce((sum, n) => sum + n - 1, 0);
  return { duplicates, lostUpdates, doubleApplied };
}
