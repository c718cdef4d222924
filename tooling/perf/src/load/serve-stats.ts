import type { ServeStats } from '@app/runtime/serve';
import { statsPath } from '@app/runtime/serve';

/** `pnpm serve`'s instance statistics, or undefined when the target is something else. */
export async function fetchServeStats(target: string): Promise<ServeStats | undefined> {
  try {
    const response = await fetch(new URL(statsPath, target), { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as ServeStats) : undefined;
  } catch {
    return undefined;
  }
}

/** What the run cost in instances: cold starts during it, instances alive after, the busiest function's peak. */
export function instancesDuring(before: ServeStats | undefined, after: ServeStats | undefined) {
  if (before === undefined || after === undefined) return undefined;
  return {
    coldStarts: after.coldStarts - before.coldStarts,
    live: after.functions.reduce((sum, f) => sum + f.live, 0),
    peak: Math.max(0, ...after.functions.map((f) => f.peak)),
  };
}
