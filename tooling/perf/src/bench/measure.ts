export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** Mean time per call of `work`, in ms, over `iterations` sequential calls. */
export async function timePerCall(work: () => Promise<unknown>, iterations: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await work();
  return (performance.now() - started) / iterations;
}

/** Mean time per call of `work`, one call per input, in ms; the inputs are made before the clock starts. */
export async function timeEach<T>(inputs: readonly T[], work: (input: T) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (const input of inputs) await work(input);
  return (performance.now() - started) / inputs.length;
}

/** Medians of two sides and their ratio a / b. */
export interface Comparison {
  a: number;
  b: number;
  ratio: number;
}

/**
 * Runs `a` and `b` alternately for `rounds` rounds and returns the median of each and their ratio:
 * alternating spreads machine noise over both sides, so the ratio holds on a busy machine.
 */
export async function compare(a: () => Promise<number>, b: () => Promise<number>, rounds: number): Promise<Comparison> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    as.push(await a());
    bs.push(await b());
  }
  return { a: median(as), b: median(bs), ratio: median(as) / median(bs) };
}
