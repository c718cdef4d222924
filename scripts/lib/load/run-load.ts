import autocannon from 'autocannon';
import type { EndpointName } from './endpoints.ts';
import { endpoints, splitConnections } from './endpoints.ts';
import type { Sample } from './stats.ts';

export interface PhaseOptions {
  baseUrl: string;
  token: string;
  /** Proposal ids the reads and updates use. */
  ids: readonly string[];
  weights: Partial<Record<EndpointName, number>>;
  connections: number;
  durationSeconds: number;
  /** Called about once a second with everything recorded so far. */
  onProgress?: (samples: readonly Sample[], elapsedMs: number) => void;
}

export interface PhaseResult {
  samples: Sample[];
  durationMs: number;
  /** Failures that produced no sample: connection errors, timeouts, 503s without Retry-After. */
  extraErrors: Record<string, number>;
  connectionsByEndpoint: [EndpointName, number][];
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

/**
 * Runs one load phase: an autocannon instance per endpoint, all at once, each with its share of
 * the connections. Every response is recorded with its endpoint, status and latency.
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { baseUrl, token, ids, weights, connections, durationSeconds, onProgress } = options;
  const samples: Sample[] = [];
  const extraErrors: Record<string, number> = {};
  const count = (kind: string) => {
    extraErrors[kind] = (extraErrors[kind] ?? 0) + 1;
  };
  const split = splitConnections(weights, connections);
  const started = performance.now();
  const progress = onProgress ? setInterval(() => onProgress(samples, performance.now() - started), 1_000) : undefined;

  await Promise.all(
    split.map(
      ([endpoint, endpointConnections]) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon(
            {
              url: baseUrl,
              connections: endpointConnections,
              duration: durationSeconds,
              timeout: 10,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              requests: [
                {
                  setupRequest: (request) => ({ ...request, ...endpoints[endpoint].next(ids) }),
                  onResponse: (status, _body, _context, headers) => {
                    if (status === 503 && !headers?.['retry-after']) count('503 without Retry-After');
                  },
                },
              ],
            },
            (error, result) => {
              if (error) return reject(error);
              if (result.timeouts > 0) extraErrors.timeout = (extraErrors.timeout ?? 0) + result.timeouts;
              resolve();
            },
          );
          instance.on('response', (_client, status: number, _bytes: number, latencyMs: number) => {
            samples.push({ at: performance.now() - started, endpoint, status, latencyMs });
          });
          instance.on('reqError', (error: NodeJS.ErrnoException) => count(`request error ${error.code ?? error.name}`));
        }),
    ),
  );
  if (progress) clearInterval(progress);
  return { samples, durationMs: performance.now() - started, extraErrors, connectionsByEndpoint: split };
}
