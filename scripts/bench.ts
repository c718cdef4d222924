/**
 * `pnpm bench [--quick] [--skip-netlify-dev]`: the costs that matter in serverless, as ratios
 * measured in one run against a bare baseline (medians of alternating rounds), plus bundle sizes
 * and in-process service time at the expected load. Needs a PostgreSQL: DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test. Prints a markdown report and writes reports/bench-*.json.
 */
import { runBench } from '@app/perf/bench/run-bench';
import { parseCommand } from '@app/stack/command';

const { values } = parseCommand({
  name: 'pnpm bench',
  summary: 'warm and cold overhead against a bare baseline, netlify dev throughput, bundle sizes, service time',
  options: {
    quick: { type: 'boolean', default: false, description: 'fewer rounds (a smoke run of the benchmark itself)' },
    'skip-netlify-dev': { type: 'boolean', default: false, description: 'leave out the netlify dev throughput ratio' },
  },
  examples: ['pnpm bench', 'DATABASE_URL=postgres://… pnpm bench --quick'],
  exitCodes: { 1: 'a measurement could not be taken (no database, a build failed)' },
});
await runBench({ quick: values.quick, skipNetlifyDev: values['skip-netlify-dev'] });
// A measurement's leftovers (an idle socket, a timer) must not keep the command from ending.
process.exit(0);
