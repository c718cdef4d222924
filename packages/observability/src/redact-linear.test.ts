import { describe, expect, it } from 'vitest';
import { redactString } from './redact.ts';

/**
 * Inputs that make a backtracking pattern restart at every position — one or more per pattern in
 * secret-formats.ts. Linear time means that eight times the input costs about eight times as
 * long; a quadratic pattern costs about sixty-four times. The ratio is measured in one run (best of
 * three per size), so the machine's speed and load cancel out.
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

function bestOf3(work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('redactString on adversarial input', () => {
  it.each(Object.entries(adversarialInputs))('should take linear time on %s', (_, make) => {
    const small = make(16_000);
    const large = make(128_000);
    redactString(small); // warm up the patterns
    const ratio =
      bestOf3(() => redactString(large)) /
      Math.max(
        bestOf3(() => redactString(small)),
        0.05,
      );
    // Linear: about 8. Quadratic: about 64. The bound leaves room for a noisy machine.
    expect(ratio).toBeLessThan(24);
  });
});
