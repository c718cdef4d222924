import { runProcess } from '@app/stack/run-process';

/** Imports a built function in a fresh Node process and serves one request; prints the ms taken. */
const probe = `
const started = performance.now();
const { default: handler } = await import(process.argv[1]);
const response = await handler(new Request('http://localhost/api/health'), {});
await response.text();
console.log(JSON.stringify({ ms: performance.now() - started, status: response.status }));
process.exit(0);
`;

/** Import + first request of `bundle` in a new process, in ms (Node's own start-up excluded). */
export async function coldStart(bundle: string, env: Record<string, string | undefined>): Promise<number> {
  const { code, stdout, stderr } = await runProcess(process.execPath, ['--input-type=module', '-e', probe, bundle], {
    env: { PATH: process.env.PATH, ...env },
  });
  const result = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !result) throw new Error(`cold start of ${bundle} failed (${code}): ${stderr}`);
  const { ms, status } = JSON.parse(result) as { ms: number; status: number };
  if (status !== 200) throw new Error(`cold start of ${bundle} answered ${status}`);
  return ms;
}
