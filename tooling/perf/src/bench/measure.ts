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
 * Runs every side in turn for `rounds` rounds — the order reversed every other round, so no side
 * always follows the same one — and returns each side's median: taking turns spreads machine noise
 * over every side, so their ratios hold on a busy machine.
 */
export async function alternateMedians<K extends string>(
  sides: Record<K, () => Promise<number>>,
  rounds: number,
): Promise<Record<K, number>> {
  const names = Object.keys(sides) as K[];
  const times = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) times.get(name)?.push(await sides[name]());
  }
  return Object.fromEntries(names.map((name) => [name, median(times.get(name) ?? [])])) as Record<K, number>;
}

/** `a` against `b`: their medians over `rounds` turns (alternateMedians) and the ratio a / b. */
export async function compare(a: () => Promise<number>, b: () => Promise<number>, rounds: number): Promise<Comparison> {
  return versus(await alternateMedians({ a, b }, rounds));
}

/** Two medians and their ratio. */
export const versus = ({ a, b }: { a: number; b: number }): Comparison => ({ a, b, ratio: a / b });
