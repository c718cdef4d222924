import { describe, expect, it } from 'vitest';
import { redactString } from './redact.ts';

/**
 * Inputs that make a backtracking pattern restart at every position — one or more per pattern in
 * secret-formats.ts. Linear time means that eight times the input costs about eight times as
 * long; a quadratic pattern costs about sixty-four times. The ratio is measured in one run, in this
 * process's CPU time (best of seven per size, interleaved), so the machine's speed and load cancel out.
 */
const adversarialInputs: Record<string, (size: number) => string> = {
  'scheme-like runs': (size) => 'a.'.repeat(size / 2),
  'colons without an @': (size) => 'a:'.repeat(size / 2),
  'slashes and colons': (size) => '/a:a'.repeat(size / 4),
  'unclosed quoted passwords': (size) => '"password":"'.repeat(size / 12),
  'names without values': (size) => 'password'.repeat(size / 8),
  'nested quoted names': (size) => `a:"b:'c=`.repeat(size / 8),
  'JWT headers': (size) => 'eyJ'.repeat(size / 3),
  'token prefixes': (size) => 'ghp_sk-xoxb-'.repeat(size / 12),
  'auth schemes': (size) => 'Bearer '.repeat(size / 7),
  'Token words': (size) => 'Token '.repeat(size / 6),
  'private key openings': (size) => '-----BEGIN RSA PRIVATE KEY-----'.repeat(size / 31),
  'percent-encoded percents': (size) => '%25'.repeat(size / 3),
  'one long word': (size) => 'a'.repeat(size),
};

/** CPU time of this process in ms: other processes on the machine do not count, as wall time would. */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1_000;
}

/** The fastest of several runs of each, interleaved, so that a pause of this process hits both sizes alike. */
function bestTimes(small: string, large: string, runs = 7): { small: number; large: number } {
  const best = { small: Number.POSITIVE_INFINITY, large: Number.POSITIVE_INFINITY };
  for (let run = 0; run < runs; run += 1) {
    best.small = Math.min(
      best.small,
      cpuMs(() => redactString(small)),
    );
    best.large = Math.min(
      best.large,
      cpuMs(() => redactString(large)),
    );
  }
  return best;
}

describe('redactString on adversarial input', () => {
  it.each(Object.entries(adversarialInputs))('should take linear time on %s', (_, make) => {
    const times = bestTimes(make(32_000), make(256_000));
    const ratio = times.large / Math.max(times.small, 0.1);
    // Linear: about 8. Quadratic: about 64. The bound leaves room for a noisy machine.
    expect(ratio).toBeLessThan(24);
  });
});
