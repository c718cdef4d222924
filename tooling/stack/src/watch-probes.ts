import type { HealthSnapshot, Interval, Sample } from './deploy-watch.ts';

const PROBE_TIMEOUT_MS = 10_000;

/** One GET, timed; `ok` when the answer is `okWhen`'s idea of right. A timeout or a refused connection is not. */
async function timedGet(url: URL, okWhen: (status: number) => boolean): Promise<{ sample: Sample; body?: unknown }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = await response.json().catch(() => undefined);
    return { sample: { ms: performance.now() - started, ok: okWhen(response.status) }, body };
  } catch {
    return { sample: { ms: performance.now() - started, ok: false } };
  }
}

type HealthBody = {
  status?: HealthSnapshot['status'];
  releaseId?: string;
  checks?: Record<string, [{ observedValue?: number }] | undefined>;
};

/** Health as the watch reads it: status, release, both connection counts, the database's response time. */
export async function readHealth(siteUrl: string): Promise<{ health: HealthSnapshot; sample: Sample }> {
  // 503 is health's answer for `fail`: an answer, not a failed probe; the status says what is wrong.
  const { sample, body } = await timedGet(
    new URL('/api/health', siteUrl),
    (status) => status === 200 || status === 503,
  );
  const report = body as HealthBody | undefined;
  if (report?.status === undefined) return { health: { status: 'unreachable' }, sample: { ...sample, ok: false } };
  const observed = (check: string) => report.checks?.[check]?.[0]?.observedValue;
  return {
    health: {
      status: report.status,
      release: report.releaseId,
      poolConnections: observed('database:connections'),
      serverConnections: observed('database:serverConnections'),
      databaseMs: observed('database:responseTime'),
    },
    sample,
  };
}

/**
 * One interval of `pnpm watch`: health at its start, then a light read (the newest proposal) every
 * `probeEveryMs` until it ends — the load a person refreshing a page would add, no more.
 */
export async function sampleInterval(siteUrl: string, intervalMs: number, probeEveryMs = 1_000): Promise<Interval> {
  const ends = Date.now() + intervalMs;
  const { health, sample } = await readHealth(siteUrl);
  const samples = [sample];
  while (Date.now() + probeEveryMs <= ends) {
    const next = Date.now() + probeEveryMs;
    samples.push((await timedGet(new URL('/api/proposals?limit=1', siteUrl), (status) => status === 200)).sample);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now())));
  return { health, samples };
}

/** Where Sentry's API is and who may read it (`SENTRY_URL`: a self-hosted Sentry, else sentry.io's). */
export interface SentryReader {
  url: string;
  token: string;
  org: string;
  project: string;
}

export function sentryReaderFrom(env: NodeJS.ProcessEnv): SentryReader | undefined {
  const { SENTRY_AUTH_TOKEN: token, SENTRY_ORG: org, SENTRY_PROJECT: project } = env;
  if (!token || !org || !project) return undefined;
  return { url: env.SENTRY_URL || 'https://sentry.io', token, org, project };
}

/**
 * How many error events Sentry holds for `release` in the last day (Discover's `count()`), the
 * figure whose rise the watch reports. A failure to ask is an error, in one line (never the token).
 */
export async function countSentryErrors(reader: SentryReader, release: string): Promise<number> {
  const url = new URL(`/api/0/organizations/${encodeURIComponent(reader.org)}/events/`, reader.url);
  url.searchParams.set('field', 'count()');
  url.searchParams.set('query', `event.type:error release:"${release}" project:${reader.project}`);
  url.searchParams.set('statsPeriod', '24h');
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${reader.token}` },
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`Sentry's API answered ${response.status} to the error count`);
  const body = (await response.json()) as { data?: [Record<string, unknown>] };
  const count = body.data?.[0]?.['count()'];
  if (typeof count !== 'number') throw new Error("Sentry's API sent no error count");
  return count;
}
