// The lifeline of `pnpm dev` (see lifeline.ts): a process of its own that reads process-group ids
// on stdin, one per line, and stops those groups once stdin closes — which happens when `pnpm dev`
// exits for any reason, a SIGKILL or a crash included. Plain JavaScript: it must start in
// milliseconds with nothing but Node.
const groups = new Set();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) if (/^\d+$/.test(line)) groups.add(Number(line));
});

function signal(name) {
  for (const group of groups) {
    try {
      process.kill(-group, name);
    } catch {
      groups.delete(group); // already gone
    }
  }
}

process.stdin.once('close', () => {
  signal('SIGTERM');
  if (groups.size === 0) process.exit(0);
  setTimeout(() => {
    signal('SIGKILL');
    process.exit(0);
  }, 3_000);
});
// Terminal signals are for `pnpm dev`, which stops everything in order; this process acts only
// when `pnpm dev` is gone.
for (const name of ['SIGHUP', 'SIGINT', 'SIGTERM']) process.on(name, () => {});
