import type { Sample, Summary } from '../load/stats.ts';
import { summarize } from '../load/stats.ts';
import type { BenchContext } from './bench-context.ts';

/** A request a caller sends to an in-process handler; `label` names it in the results. */
export interface InProcessRequest {
  label: string;
  call(): Promise<Response>;
}

/**
 * `callers` concurrent loops, each picking the next request from `mix` in turn, for `durationMs`:
 * the service time the code itself contributes, with no emulator in between.
 */
export async function inProcessLoad(
  mix: readonly InProcessRequest[],
  callers: number,
  durationMs: number,
): Promise<{ samples: Sample[]; durationMs: number }> {
  const samples: Sample[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = caller; performance.now() < deadline; i += 1) {
        const request = mix[i % mix.length] as InProcessRequest;
        const t0 = performance.now();
        let status = 0;
        try {
          const response = await request.call();
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        samples.push({ at: t0 - started, endpoint: request.label, status, latencyMs: performance.now() - t0 });
      }
    }),
  );
  return { samples, durationMs: performance.now() - started };
}

/**
 * In-process service time at the expected load: 15 callers through the real handlers (health, list
 * twice, get, update, create) on ten seeded proposals.
 */
export async function measureServiceTime(context: BenchContext): Promise<Summary & { durationMs: number }> {
  const { health, proposals, token } = context;
  const post = (path: string, method: string, body: unknown) =>
    new Request(`http://localhost${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const seeded: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const response = await proposals(
      post('/api/proposals', 'POST', { title: `Bench ${i}`, clientName: 'B', amountCents: i }),
      {},
    );
    seeded.push(((await response.json()) as { id: string }).id);
  }
  const pickId = () => seeded[Math.floor(Math.random() * seeded.length)];
  const list = () => proposals(new Request('http://localhost/api/proposals?limit=20'), {});
  const mix: InProcessRequest[] = [
    { label: 'health', call: () => health(new Request('http://localhost/api/health'), {}) },
    { label: 'list', call: list },
    { label: 'get', call: () => proposals(new Request(`http://localhost/api/proposals/${pickId()}`), {}) },
    { label: 'list', call: list },
    { label: 'update', call: () => proposals(post(`/api/proposals/${pickId()}`, 'PATCH', { amountCents: 5 }), {}) },
    {
      label: 'create',
      call: () => proposals(post('/api/proposals', 'POST', { title: 'B', clientName: 'B', amountCents: 1 }), {}),
    },
  ];
  const load = await inProcessLoad(mix, 15, context.quick ? 2_000 : 10_000);
  return { ...summarize(load.samples, load.durationMs, {}), durationMs: load.durationMs };
}
