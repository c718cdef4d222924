import type { Sample } from '../load/stats.ts';

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
