import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './dev-lock.ts';

describe('isProcessAlive', () => {
  it.skipIf(process.platform !== 'linux')('should count a running process and not a zombie', async () => {
    // The shell starts `true` in the background and becomes `sleep`, which never reaps it: `true`
    // stays a zombie for as long as the sleep runs, as an orphan does under an init that never reaps.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      await expect.poll(() => isProcessAlive(zombie)).toBe(false);
      expect(isProcessAlive(parent.pid as number)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('should not count a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await once(child, 'exit');
    expect(isProcessAlive(child.pid as number)).toBe(false);
  });
});
