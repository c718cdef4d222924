/**
 * `pnpm load --scenario <name> [--target <url>] [--duration <s>] [--connections <n>]
 *            [--token <t>] [--p99 <ms>] [--max-error-rate <x>] [--timeout <s>]`
 * Drives a scenario (scenarios.ts) against a running site — `pnpm dev` by default, or a deploy
 * preview — prints a live line and a table per endpoint, writes a JSON and an HTML report to
 * reports/, and exits 1 with one line when a threshold is breached.
 */
import { join } from 'node:path';
import { runLoadCommand } from '@app/perf/load/run-scenario';
import type { ScenarioName } from '@app/perf/load/scenarios';
import { scenarios } from '@app/perf/load/scenarios';
import { checks, parseCommand } from '@app/stack/command';
import { repositoryRoot } from '@app/stack/netlify-dev';

const { values } = parseCommand({
  name: 'pnpm load',
  summary: 'drives a load scenario against a running site, prints a table per endpoint, writes JSON + HTML reports',
  options: {
    scenario: {
      type: 'string',
      default: 'smoke',
      valueName: '<name>',
      description: Object.keys(scenarios).join(' | '),
      check: checks.oneOf(Object.keys(scenarios)),
    },
    target: {
      type: 'string',
      default: 'http://localhost:8888',
      valueName: '<url>',
      description: 'the site to load',
      check: checks.httpUrl,
    },
    duration: {
      type: 'string',
      valueName: '<seconds>',
      description: "length of the run (default: the scenario's)",
      check: checks.integer(1, 3_600),
    },
    connections: {
      type: 'string',
      valueName: '<n>',
      description: "concurrent clients (default: the scenario's)",
      check: checks.integer(1, 1_000),
    },
    rate: {
      type: 'string',
      valueName: '<requests/s>',
      description: "open model at this arrival rate instead of the scenario's model",
      check: checks.number(0.1, 100_000),
    },
    token: {
      type: 'string',
      valueName: '<token>',
      description: 'API token for writes (default: API_TOKEN, locally the dev token)',
    },
    p99: {
      type: 'string',
      valueName: '<ms>',
      description: "p99 latency threshold (default: the scenario's)",
      check: checks.number(1, 600_000),
    },
    'max-error-rate': {
      type: 'string',
      valueName: '<fraction>',
      description: "error-rate threshold, 0–1 (default: the scenario's)",
      check: checks.number(0, 1),
    },
    // On a loaded machine netlify dev can take longer than the default to answer at all.
    timeout: {
      type: 'string',
      default: '10',
      valueName: '<seconds>',
      description: 'per request; past it the request counts as a timeout error',
      check: checks.number(0.1, 600),
    },
    'report-dir': {
      type: 'string',
      default: join(repositoryRoot, 'reports'),
      valueName: '<dir>',
      description: 'where the JSON and HTML reports go',
    },
  },
  examples: [
    'pnpm load --scenario steady',
    'pnpm load --scenario steady-open --target http://localhost:8888 --rate 300',
    'pnpm load --scenario smoke --target https://deploy-preview-12--site.netlify.app --token "$API_TOKEN"',
  ],
  exitCodes: { 1: 'a threshold was breached, or the target refused the token (one line says which)' },
});
const outcome = await runLoadCommand({
  name: values.scenario as ScenarioName,
  target: values.target,
  token: values.token,
  durationSeconds: values.duration === undefined ? undefined : Number(values.duration),
  connections: values.connections === undefined ? undefined : Number(values.connections),
  arrivalRate: values.rate === undefined ? undefined : Number(values.rate),
  p99Ms: values.p99 === undefined ? undefined : Number(values.p99),
  maxErrorRate: values['max-error-rate'] === undefined ? undefined : Number(values['max-error-rate']),
  timeoutMs: Number(values.timeout) * 1_000,
  reportDir: values['report-dir'],
});
if (!outcome.passed) {
  console.error(`FAIL ${values.scenario}: ${outcome.reason}`);
  process.exit(1);
}
console.log(`PASS ${values.scenario}`);
