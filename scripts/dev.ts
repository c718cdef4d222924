/**
 * `pnpm dev`: everything a developer needs, offline: an embedded PostgreSQL when no DATABASE_URL
 * is set, the WebSocket proxy the Neon driver needs for a local database, the function bundler in
 * watch mode, and netlify dev serving every function at http://localhost:8888 behind a front door
 * that answers what would crash it (bodies over 6 MB, malformed paths) as Netlify does. Ctrl-C,
 * SIGTERM, a closed terminal or a crash stops all of it; so does any part of it dying.
 *
 *   pnpm dev [--port 8888] [--host 127.0.0.1] [--spotlight]
 *
 * `--spotlight` also starts Sentry's Spotlight sidecar (offline) on :8969 and points the functions
 * at it (SENTRY_SPOTLIGHT), so errors show up at http://localhost:8969 with no Sentry account.
 */
import { listenOptions, parseCommand } from '@app/stack/command';
import { runDevStack } from '@app/stack/dev-stack';

const { values: args } = parseCommand({
  name: 'pnpm dev',
  summary: 'the whole stack locally: database, migrations, WebSocket proxy, bundler, netlify dev',
  options: {
    ...listenOptions,
    spotlight: { type: 'boolean', default: false, description: "also start Sentry's offline viewer on :8969" },
  },
  examples: ['pnpm dev', 'pnpm dev --port 9000 --spotlight'],
  exitCodes: { 1: 'could not start (busy port, another pnpm dev here, bad environment), or a part of the stack died' },
});
await runDevStack({ port: Number(args.port), host: args.host, spotlight: args.spotlight });
