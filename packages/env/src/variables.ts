import * as z from 'zod/mini';
import type { DeployContext } from './deploy-context.ts';
import { deployedContexts } from './deploy-context.ts';

/** What a variable means beyond its type: drives fail-fast, warnings, redaction and `.env.example`. */
export interface VariableSpec {
  /** One line for `.env.example` and `pnpm check-env`. */
  description: string;
  /** A secret: its value is never printed and is redacted from every log line and Sentry event. */
  sensitive?: boolean;
  /** Contexts in which a missing value is an error. */
  requiredIn?: readonly DeployContext[];
  /** A variable that stands in for this one when it is missing (then neither is an error; a test checks the name). */
  alternative?: string;
  /** In `dev`, what happens when it is missing (printed once as a warning). */
  devFallback?: string;
  /** A URL: must not point at this machine in production. */
  url?: boolean;
  /** Set by the platform or the tooling, never by hand: not in `.env.example`. */
  platform?: boolean;
  /**
   * The placeholder `.env.example` shows (a test keeps the two equal). A deployed context refuses
   * it: a copied example must never pass for configuration.
   */
  example?: string;
  /** Read by the build only (`pnpm build`, Netlify's build), never by a function at runtime. */
  buildTime?: boolean;
}

/** A whole number within [min, max], from a string. */
const wholeNumber = (fallback: number, min: number, max: number, unit = 'number') =>
  z._default(
    z.coerce
      .number({ error: `must be a whole ${unit}` })
      .check(
        z.int(`must be a whole ${unit}`),
        z.minimum(min, `must be at least ${min}`),
        z.maximum(max, `must be at most ${max}`),
      ),
    fallback,
  );
/** A share of requests, 0–1, from a string; 0 by default. */
const share = () =>
  z._default(
    z.coerce
      .number({ error: 'must be a number from 0 to 1' })
      .check(z.minimum(0, 'must be at least 0'), z.maximum(1, 'must be at most 1')),
    0,
  );
const milliseconds = (fallback: number, min: number, max: number) =>
  wholeNumber(fallback, min, max, 'number of milliseconds');

const postgresUrl = z
  .string()
  .check(
    z.refine(
      (value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol),
      'must be a postgres:// or postgresql:// URL',
    ),
  );

/** Sentry's DSN shape: `http(s)://PUBLIC_KEY@HOST[:PORT]/[PATH/]PROJECT_ID` (what the SDK parses). */
function isSentryDsn(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) && url.hostname !== '' && url.username !== '' && /\/\d+$/.test(url.pathname);
}

/**
 * The pool settings' defaults, in one place: the schema below applies them to the environment and
 * `@app/db`'s `createDatabase` to its options.
 */
export const databaseDefaults = {
  DB_POOL_MAX: 25,
  DB_CONNECT_TIMEOUT_MS: 3_000,
  DB_IDLE_TIMEOUT_MS: 10_000,
  DB_QUEUE_TIMEOUT_MS: 2_000,
  DB_STATEMENT_TIMEOUT_MS: 5_000,
  DB_WS_PROXY: '127.0.0.1:5481',
} as const;

/** One variable, declared once: its schema and what it means beyond its type. */
const variable = <S extends z.ZodMiniType, const Spec extends VariableSpec>(schema: S, spec: Spec) => ({
  ...spec,
  schema,
});

/** The database: your own Neon project's URL and the pool's bounds (`@app/db`). */
const database = {
  DATABASE_URL: variable(z.optional(postgresUrl), {
    description:
      "PostgreSQL URL, your own Neon project: the pooled (-pooler) URL. Unset: Netlify Database (NETLIFY_DB_URL), in `pnpm dev` netlify dev's local one.",
    sensitive: true,
    url: true,
    requiredIn: deployedContexts,
    alternative: 'NETLIFY_DB_URL',
    devFallback: "`pnpm dev` uses netlify dev's local Netlify Database (NETLIFY_DB_URL)",
    example: 'postgresql://app:password@ep-example-123456-pooler.eu-central-1.aws.neon.tech/app?sslmode=require',
  }),
  DB_POOL_MAX: variable(wholeNumber(databaseDefaults.DB_POOL_MAX, 1, 100), {
    description: `Connections per function instance; callers queue beyond it (default ${databaseDefaults.DB_POOL_MAX}).`,
  }),
  DB_CONNECT_TIMEOUT_MS: variable(milliseconds(databaseDefaults.DB_CONNECT_TIMEOUT_MS, 100, 60_000), {
    description: `Give up opening a connection after this long (default ${databaseDefaults.DB_CONNECT_TIMEOUT_MS}).`,
  }),
  DB_IDLE_TIMEOUT_MS: variable(milliseconds(databaseDefaults.DB_IDLE_TIMEOUT_MS, 100, 600_000), {
    description: `Close a connection idle this long (default ${databaseDefaults.DB_IDLE_TIMEOUT_MS}).`,
  }),
  DB_QUEUE_TIMEOUT_MS: variable(milliseconds(databaseDefaults.DB_QUEUE_TIMEOUT_MS, 1, 60_000), {
    description: `Longest wait for a free connection before answering 503 (default ${databaseDefaults.DB_QUEUE_TIMEOUT_MS}).`,
  }),
  DB_STATEMENT_TIMEOUT_MS: variable(milliseconds(databaseDefaults.DB_STATEMENT_TIMEOUT_MS, 100, 600_000), {
    description: `The statement limit the app expects the server to enforce — a role default the migrations set, reported by /api/health; the client gives up 1 s after it (default ${databaseDefaults.DB_STATEMENT_TIMEOUT_MS}).`,
  }),
  DB_WS_PROXY: variable(
    z._default(z.string().check(z.regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')), databaseDefaults.DB_WS_PROXY),
    {
      description: `host:port of the WebSocket proxy used for local (non-Neon) databases (default ${databaseDefaults.DB_WS_PROXY}).`,
    },
  ),
};

/** Sentry: the runtime's reporting, and the build's source-map upload (tooling/stack/src/build-functions.ts). */
const sentry = {
  SENTRY_DSN: variable(
    z.optional(z.string().check(z.refine(isSentryDsn, 'must be a Sentry DSN: https://<key>@<host>/<project id>'))),
    {
      description: 'Sentry project DSN. Required in production.',
      sensitive: true,
      url: true,
      requiredIn: ['production'],
      devFallback: 'errors are logged to the console only',
      example: 'https://publickey@o0.ingest.sentry.io/0',
    },
  ),
  SENTRY_SPOTLIGHT: variable(
    z.optional(
      z
        .string()
        .check(
          z.refine((value) => value === 'true' || URL.canParse(value), 'must be true or the Spotlight sidecar URL'),
        ),
    ),
    {
      description: 'Dev only: "true" (or the sidecar URL) sends errors to Spotlight on :8969 (`pnpm dev --spotlight`).',
    },
  ),
  SENTRY_TRACES_SAMPLE_RATE: variable(share(), {
    description:
      'Share of requests traced (a transaction with a span per query), 0–1. Default 0: off, and the SDK stays off the cold start.',
  }),
  SENTRY_AUTH_TOKEN: variable(z.optional(z.string()), {
    description:
      'Build time only (scope it to Builds in Netlify): with SENTRY_ORG and SENTRY_PROJECT, uploads source maps. Unset: not uploaded.',
    sensitive: true,
    buildTime: true,
    example: 'sntrys_replace-with-an-organization-auth-token',
  }),
  SENTRY_ORG: variable(z.optional(z.string()), {
    description: 'Build time only: the Sentry organization slug for the source-map upload.',
    buildTime: true,
  }),
  SENTRY_PROJECT: variable(z.optional(z.string()), {
    description: 'Build time only: the Sentry project slug for the source-map upload.',
    buildTime: true,
  }),
  SENTRY_URL: variable(z.optional(z.url({ error: 'must be a URL' })), {
    description: "Build time only: a self-hosted Sentry's URL for the upload (default: Sentry's SaaS).",
    buildTime: true,
  }),
};

/** The app's own. */
const app = {
  LOG_LEVEL: variable(
    z.optional(z.enum(['error', 'warn', 'info', 'debug'], { error: 'must be one of error, warn, info, debug' })),
    { description: 'error | warn | info | debug (default: warn when deployed, debug in dev).' },
  ),
  LOG_SAMPLE_RATE: variable(share(), {
    description:
      'Share of requests, 0–1, that log every line at debug (marked sampled: true) whatever LOG_LEVEL says (default 0).',
  }),
  IDEMPOTENCY_KEY_TTL_HOURS: variable(wholeNumber(24, 1, 720, 'number of hours'), {
    description:
      'How long a write remembers its Idempotency-Key and answer: a retry within it gets the same answer (default 24).',
  }),
  API_TOKEN: variable(z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))), {
    description:
      'Bearer token for write endpoints, at least 16 random characters (deployed contexts refuse guessable ones). Required when deployed.',
    sensitive: true,
    requiredIn: deployedContexts,
    devFallback: 'write endpoints accept the token "dev-token-not-for-production"',
    example: 'replace-with-a-long-random-token',
  }),
};

/** Netlify's own (t3-env's preset habit): set by the platform, its build or netlify dev, never by hand. */
const netlify = {
  NETLIFY_DB_URL: variable(z.optional(postgresUrl), {
    description:
      'Netlify Database: set by Netlify (per deploy, a branch per preview) and by netlify dev; used when DATABASE_URL is unset.',
    sensitive: true,
    url: true,
    platform: true,
  }),
  COMMIT_REF: variable(z.optional(z.string()), {
    description: 'Release id; set by Netlify builds (baked into the bundles) and netlify dev — not needed by hand.',
  }),
  CONTEXT: variable(z.optional(z.string()), {
    description: 'Deploy context set by Netlify builds and netlify dev.',
    platform: true,
  }),
  NODE_ENV: variable(z.optional(z.string()), { description: 'Node environment.', platform: true }),
  NETLIFY_DEV: variable(z.optional(z.string()), { description: 'Set to "true" by netlify dev.', platform: true }),
  AWS_REGION: variable(z.optional(z.string()), {
    description: 'The region a function runs in, as AWS Lambda sets it (reported by /api/health).',
    platform: true,
  }),
};

/**
 * Every variable the project reads, each declared once — schema, description, sensitivity, where it
 * is required, example — grouped the way t3-env's presets group a platform's variables.
 */
export const variableSpecs = { ...database, ...sentry, ...app, ...netlify };

type Schemas<T extends Record<string, { schema: z.ZodMiniType }>> = { [K in keyof T]: T[K]['schema'] };

/**
 * One zod schema of all of them. Empty strings count as unset. It uses `zod/mini`, the
 * tree-shakable build: every function validates its environment at cold start, and the classic
 * build costs about 17 ms more to load there (measured, see docs/performance.md).
 */
export const envSchema = z.object(
  Object.fromEntries(Object.entries(variableSpecs).map(([name, { schema }]) => [name, schema])) as Schemas<
    typeof variableSpecs
  >,
);

export type EnvVariables = z.infer<typeof envSchema>;
export type VariableName = keyof typeof variableSpecs;

/** The dev-only stand-in for a missing `API_TOKEN`. Printed in the README, so refused when deployed. */
export const DEV_API_TOKEN = 'dev-token-not-for-production';

/**
 * Values that are public knowledge — printed in `.env.example` or the docs — and so never a real
 * secret or a real endpoint. Every deployed context refuses them, whichever variable holds them.
 */
export const placeholderValues: ReadonlySet<string> = new Set([
  DEV_API_TOKEN,
  ...Object.values(variableSpecs as Record<string, VariableSpec>).flatMap((spec) =>
    spec.example === undefined ? [] : [spec.example],
  ),
]);
