/**
 * `pnpm serve`: the zips Netlify deploys, run the way the platform runs them — each request through
 * the zip's own entry point, in instances (Node processes) that are reused warm, frozen between
 * requests and retired when idle — at the same URLs as `pnpm dev`. For production behaviour and load
 * tests; `pnpm dev` is the edit loop.
 */
import { runServe } from '@app/runtime/serve';
import { checks, listenOptions, parseCommand } from '@app/stack/command';

const { values: args } = parseCommand({
  name: 'pnpm serve',
  summary: 'builds the deploy zips and serves them as Netlify runs them: warm, frozen and retired instances',
  options: {
    ...listenOptions,
    context: {
      type: 'string',
      default: 'deploy-preview',
      valueName: '<context>',
      description: 'the deploy context the functions see: production | deploy-preview | branch-deploy',
      check: checks.oneOf(['production', 'deploy-preview', 'branch-deploy']),
    },
    'max-instances': {
      type: 'string',
      default: '20',
      valueName: '<n>',
      description: 'instances per function at most; further requests wait for a free one',
      check: checks.integer(1, 200),
    },
    'max-queue': {
      type: 'string',
      default: '100',
      valueName: '<n>',
      description:
        'requests beyond --max-instances in flight per function (reading a body or waiting), past which more get 429 at once',
      check: checks.integer(0, 10_000),
    },
    'queue-timeout': {
      type: 'string',
      default: '10',
      valueName: '<seconds>',
      description: 'a request waiting this long for an instance gets 503 with Retry-After',
      check: checks.number(0.1, 900),
    },
    'retire-after': {
      type: 'string',
      default: '300',
      valueName: '<seconds>',
      description: 'a frozen instance idle this long is retired (killed)',
      check: checks.number(0.1, 86_400),
    },
    timeout: {
      type: 'string',
      default: '60',
      valueName: '<seconds>',
      description: "an invocation running longer is killed with its instance (Netlify's limit: 60 s)",
      check: checks.number(0.1, 900),
    },
    'no-build': { type: 'boolean', default: false, description: 'serve the zips already in .netlify/functions' },
    quiet: { type: 'boolean', default: false, description: "don't print the functions' own log lines" },
    'no-pooler': {
      type: 'boolean',
      default: false,
      description: "reach the database directly, not through PgBouncer with Neon's pooler settings",
    },
  },
  examples: [
    'pnpm serve',
    'pnpm serve --context production --port 9000',
    'pnpm serve --no-build --retire-after 5',
    'NETLIFY_DB_URL=postgres://… pnpm serve --no-pooler',
  ],
  exitCodes: { 1: 'could not start (busy port, another pnpm dev or serve here, build failed)' },
});
await runServe({
  port: Number(args.port),
  host: args.host,
  context: args.context as 'production' | 'deploy-preview' | 'branch-deploy',
  maxInstances: Number(args['max-instances']),
  maxQueue: Number(args['max-queue']),
  queueTimeoutMs: Number(args['queue-timeout']) * 1_000,
  retireAfterMs: Number(args['retire-after']) * 1_000,
  timeoutMs: Number(args.timeout) * 1_000,
  build: !args['no-build'],
  quiet: args.quiet,
  pooler: !args['no-pooler'],
});
