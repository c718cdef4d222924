/**
 * `pnpm watch <site-url>`: the thirty minutes after a deploy, watched. Every interval it reads health
 * and sends a light read probe each second, and prints one line: elapsed, p99 and error rate so far,
 * health, connections, release. It fails (exit 1) and prints the rollback command at the first
 * sustained breach — two intervals in a row with health `fail`, p99 over the limit, errors over the
 * limit or (with SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT) new Sentry error events of the
 * release — or at once when the release changes under it. Exit 0 with a summary when time is up.
 */
import { checks, parseCommand } from '@app/stack/command';
import type { Verdict } from '@app/stack/deploy-watch';
import { DeployWatch, errorRate, failures, intervalLine, p99Of } from '@app/stack/deploy-watch';
import type { SentryReader } from '@app/stack/watch-probes';
import { countSentryErrors, sampleInterval, sentryReaderFrom } from '@app/stack/watch-probes';

const { values, positionals } = parseCommand({
  name: 'pnpm watch',
  summary: 'watches a deploy: health, p99, errors and Sentry, one line per interval; exit 1 on a sustained breach',
  positionals: [
    {
      name: 'site-url',
      description: 'the deploy to watch, e.g. https://example.netlify.app',
      required: true,
      check: checks.httpUrl,
    },
  ],
  options: {
    minutes: {
      type: 'string',
      default: '30',
      valueName: '<minutes>',
      description: 'how long to watch',
      check: checks.number(0.05, 1440),
    },
    interval: {
      type: 'string',
      default: '15',
      valueName: '<seconds>',
      description: 'one line and one verdict per interval',
      check: checks.integer(2, 600),
    },
    p99: {
      type: 'string',
      default: '500',
      valueName: '<ms>',
      description: 'p99 limit per interval',
      check: checks.integer(1, 60_000),
    },
    'max-error-rate': {
      type: 'string',
      default: '0.1',
      valueName: '<percent>',
      description: 'error-rate limit per interval',
      check: checks.number(0, 100),
    },
  },
  examples: [
    'pnpm watch https://example.netlify.app',
    'pnpm watch https://example.netlify.app --minutes 10 --interval 30',
  ],
  exitCodes: { 1: 'a sustained breach, the release changed under the watch, or Sentry could not be asked' },
});
const siteUrl = positionals[0] as string;

const intervalMs = Number(values.interval) * 1000;
const durationMs = Number(values.minutes) * 60_000;
const watch = new DeployWatch({ p99Ms: Number(values.p99), maxErrorRate: Number(values['max-error-rate']) / 100 });
const sentry = sentryReaderFrom(process.env);
console.log(
  `Watching ${siteUrl} for ${values.minutes} min, one line every ${values.interval} s${sentry ? ', with Sentry' : ''}.`,
);

const started = Date.now();
let sentryBaseline: number | undefined;
try {
  while (Date.now() - started < durationMs) {
    const interval = await sampleInterval(siteUrl, Math.min(intervalMs, durationMs - (Date.now() - started)));
    if (sentry !== undefined && interval.health.release !== undefined) {
      const count = await countSentryErrors(sentry, interval.health.release);
      interval.newSentryErrors = sentryBaseline === undefined ? 0 : Math.max(0, count - sentryBaseline);
      sentryBaseline = count;
    }
    const verdict: Verdict = watch.record(interval);
    console.log(intervalLine(watch, Date.now() - started));
    if (verdict.kind === 'fail') stop(verdict.reason);
  }
} catch (error) {
  stop(`the watch itself failed: ${error instanceof Error ? error.message : error}`);
}
printSummary(sentry);

/** Gives up on the deploy: the reason, then the exact command that rolls it back. */
function stop(reason: string): never {
  console.error(`\nFAIL ${siteUrl}: ${reason}.`);
  console.error(
    `Roll back (restores the previous production deploy and locks it):\n\n  pnpm rollback --execute --url ${siteUrl}\n`,
  );
  process.exit(1);
}

function printSummary(reader: SentryReader | undefined): void {
  const samples = watch.samples();
  const p99 = Math.round(p99Of(samples));
  const failed = failures(samples);
  const statuses = new Set(watch.intervals.map((interval) => interval.health.status));
  const peak = Math.max(0, ...watch.intervals.map((interval) => interval.health.serverConnections ?? 0));
  console.log(
    `\nPASS ${siteUrl}: watched ${values.minutes} min in ${watch.intervals.length} intervals — ${samples.length} requests, ` +
      `p99 ${p99} ms, ${failed} errors (${(errorRate(samples) * 100).toFixed(2)} %), health ${[...statuses].join('/')}, ` +
      `peak server connections ${peak}, release ${watch.release ?? 'unknown'} throughout` +
      `${reader ? ', no rise in Sentry errors' : ''}. No sustained breach: the deploy holds.`,
  );
}
