import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.ts';
import { useServeBehindPausableDatabase } from '../support/serve.ts';
import { waitFor } from '../support/wait-for.ts';

/** An interval line of `pnpm watch`: `0:04  p99 12 ms  errors 0.00 % (0/5)  health pass …`. */
const intervalLine = /^\d+:\d\d {2}p99 \d+ ms {2}errors [\d.]+ % \(\d+\/\d+\) {2}health \w+/gm;

/**
 * `pnpm watch` as an operator runs it after a deploy, here against `pnpm serve` whose database can
 * stop answering on cue. The p99 limit is lifted: what is tested is the verdict, not this machine's
 * speed (a cold start on a loaded 2-core machine alone can take a second).
 */
export function describeWatch(testDatabase: () => TestDatabase): void {
  describe('pnpm watch against it', () => {
    const served = useServeBehindPausableDatabase(testDatabase);

    function watch(minutes: string) {
      let output = '';
      const child = spawn(
        join(repositoryRoot, 'node_modules/.bin/tsx'),
        ['scripts/watch.ts', served.server.baseUrl, '--minutes', minutes, '--interval', '2', '--p99', '5000'],
        { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
      const exited = once(child, 'exit') as Promise<[number | null]>;
      return { output: () => output, code: async () => (await exited)[0] };
    }

    it('should exit 0 with a one-paragraph summary when the time is up and nothing breached', async () => {
      const run = watch('0.1');
      expect(await run.code(), run.output()).toBe(0);
      expect(run.output().match(intervalLine)?.length).toBeGreaterThanOrEqual(2);
      expect(run.output()).toMatch(
        /^PASS .*: watched 0\.1 min in \d+ intervals — \d+ requests, .* 0 errors \(0\.00 %\)/m,
      );
      expect(run.output()).toMatch(/release \S+ throughout/);
    });

    it('should exit 1 within two intervals of the database going away, printing the rollback command', async () => {
      const run = watch('5');
      await waitFor(
        async () => run.output(),
        (output) => /health pass/.test(output),
        'a first healthy interval',
        60_000,
      );
      const linesBefore = run.output().match(intervalLine)?.length ?? 0;
      served.database.pause();
      try {
        expect(await run.code(), run.output()).toBe(1);
      } finally {
        served.database.resume();
      }
      const after = (run.output().match(intervalLine)?.length ?? 0) - linesBefore;
      expect(after).toBeGreaterThanOrEqual(1);
      expect(after).toBeLessThanOrEqual(2);
      expect(run.output()).toMatch(/FAIL .*: 2 intervals in a row breached: /);
      expect(run.output()).toContain(`pnpm rollback --execute --url ${served.server.baseUrl}`);
    });
  });
}
