import { runNetlify } from './netlify-dev.ts';

/** Calls one operation of Netlify's API (`getSite`, `restoreSiteDeploy`…) with its parameters. */
export type NetlifyApi = <T>(operation: string, parameters: Record<string, string>) => Promise<T>;

/**
 * Netlify's API through netlify-cli's `netlify api`, so it is reached exactly as netlify-cli reaches
 * it: its login or `NETLIFY_AUTH_TOKEN`, and `NETLIFY_API_URL` when set (a self-hosted proxy, or the
 * tests' stand-in). A failure is one line: netlify-cli's own first line, never its stack.
 */
export const netlifyApi: NetlifyApi = async <T>(operation: string, parameters: Record<string, string>) => {
  const { code, stdout, stderr } = await runNetlify(['api', operation, '--data', JSON.stringify(parameters)]);
  if (code !== 0) {
    const reason = stderr.split('\n').find((line) => line.trim() !== '' && !/^\s+at /.test(line));
    throw new Error(`netlify api ${operation} failed: ${reason?.trim() ?? `exit ${code}`}`);
  }
  return (stdout.trim() === '' ? undefined : JSON.parse(stdout)) as T;
};
