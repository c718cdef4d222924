import { z } from 'zod';
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
  /** In `dev`, what happens when it is missing (printed once as a warning). */
  devFallback?: string;
  /** A URL: must not point at this machine in production. */
  url?: boolean;
  /** Set by the platform or the tooling, never by hand: not in `.env.example`. */
  platform?: boolean;
}

const milliseconds = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const postgresUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol),
    'must be a postgres:// or postgresql:// URL',
  );

/** One zod schema for every variable the project reads. Empty strings count as unset. */
export const envSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DB_POOL_MAX: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(25),
  DB_CONNECT_TIMEOUT_MS: milliseconds(3_000, 100, 60_000),
  DB_IDLE_TIMEOUT_MS: milliseconds(10_000, 100, 600_000),
  DB_QUEUE_TIMEOUT_MS: milliseconds(2_000, 1, 60_000),
  DB_STATEMENT_TIMEOUT_MS: milliseconds(5_000, 100, 600_000),
  DB_WS_PROXY: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
    .default('127.0.0.1:5481'),
  SENTRY_DSN: z.url({ error: 'must be a Sentry DSN URL' }).optional(),
  SENTRY_SPOTLIGHT: z
    .string()
    .refine((value) => value === 'true' || URL.canParse(value), 'must be true or the Spotlight sidecar URL')
    .optional(),
  LOG_LEVEL: z
    .enum(['error', 'warn', 'info', 'debug'], { error: 'must be one of error, warn, info, debug' })
    .optional(),
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  COMMIT_REF: z.string().optional(),
  // Platform-provided.
  CONTEXT: z.string().optional(),
  NODE_ENV: z.string().optional(),
  NETLIFY_DEV: z.string().optional(),
});

export type EnvVariables = z.infer<typeof envSchema>;
export type VariableName = keyof EnvVariables;

export const variableSpecs = {
  DATABASE_URL: {
    description:
      'PostgreSQL URL. Production: Neon pooled (-pooler) URL. `pnpm dev` starts an embedded database when unset.',
    sensitive: true,
    url: true,
    requiredIn: deployedContexts,
    devFallback: 'database calls answer 503 until it is set (`pnpm dev` sets it for you)',
  },
  DB_POOL_MAX: { description: 'Connections per function instance; callers queue beyond it (default 25).' },
  DB_CONNECT_TIMEOUT_MS: { description: 'Give up opening a connection after this long (default 3000).' },
  DB_IDLE_TIMEOUT_MS: { description: 'Close a connection idle this long (default 10000).' },
  DB_QUEUE_TIMEOUT_MS: { description: 'Longest wait for a free connection before answering 503 (default 2000).' },
  DB_STATEMENT_TIMEOUT_MS: { description: 'Server-side limit for one statement (default 5000).' },
  DB_WS_PROXY: { description: 'host:port of the WebSocket proxy used for local (non-Neon) databases.' },
  SENTRY_DSN: {
    description: 'Sentry project DSN. Required in production.',
    sensitive: true,
    url: true,
    requiredIn: ['production'],
    devFallback: 'errors are logged to the console only',
  },
  SENTRY_SPOTLIGHT: {
    description: 'Dev only: "true" (or the sidecar URL) sends errors to Spotlight on :8969 (`pnpm dev --spotlight`).',
  },
  LOG_LEVEL: { description: 'error | warn | info | debug (default: warn when deployed, debug in dev).' },
  API_TOKEN: {
    description: 'Bearer token for write endpoints, at least 16 characters. Required when deployed.',
    sensitive: true,
    requiredIn: deployedContexts,
    devFallback: 'write endpoints accept the token "dev-token-not-for-production"',
  },
  COMMIT_REF: { description: 'Release id reported by /api/health and Sentry (set it at build time).' },
  CONTEXT: { description: 'Deploy context set by Netlify builds and netlify dev.', platform: true },
  NODE_ENV: { description: 'Node environment.', platform: true },
  NETLIFY_DEV: { description: 'Set to "true" by netlify dev.', platform: true },
} as const satisfies Record<VariableName, VariableSpec>;

/** The dev-only stand-in for a missing `API_TOKEN`; refused everywhere else by `requiredIn`. */
export const DEV_API_TOKEN = 'dev-token-not-for-production';
