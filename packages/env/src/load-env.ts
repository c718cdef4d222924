import type { DeployContext, PlatformContext } from './deploy-context.ts';
import { resolveDeployContext } from './deploy-context.ts';
import type { EnvProblem, RuleInput } from './env-rules.ts';
import { localUrls, parseFeatures, placeholders, requiredVariables, weakSecrets } from './env-rules.ts';
import type { EnvVariables, VariableName } from './variables.ts';
import { DEV_API_TOKEN, envSchema, variableSpecs } from './variables.ts';

export type { EnvProblem } from './env-rules.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** The validated environment for one deploy context. */
export interface Env extends EnvVariables {
  deployContext: DeployContext;
  logLevel: LogLevel;
  /** Every `FEATURE_<NAME>_ENABLED` that is set, parsed strictly. */
  features: Readonly<Record<string, boolean>>;
  /** Values of variables marked sensitive, for redaction. */
  secrets: readonly string[];
  /** Where `DATABASE_URL` came from: set itself, or Netlify Database's `NETLIFY_DB_URL`. */
  databaseSource: 'DATABASE_URL' | 'NETLIFY_DB_URL' | undefined;
}

export interface EnvReport {
  context: DeployContext;
  env: Env | undefined;
  errors: EnvProblem[];
  warnings: EnvProblem[];
}

/**
 * Thrown when the environment is invalid; lists every problem by name and never a value. Functions
 * answer it with 503 `misconfigured` (the wrapper in `@app/observability` maps it).
 */
export class EnvValidationError extends Error {
  override name = 'EnvValidationError' as const;
  readonly context: DeployContext;
  readonly problems: readonly EnvProblem[];

  constructor(context: DeployContext, problems: readonly EnvProblem[]) {
    super(
      `Invalid environment for the "${context}" deploy context:\n${formatProblems(problems)}\n` +
        `Set these variables for that context (see .env.example); \`pnpm check-env --context ${context}\` checks them.`,
    );
    this.context = context;
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly EnvProblem[]): string {
  return problems.map((problem) => `  - ${problem.variable}: ${problem.message}`).join('\n');
}

/**
 * Validates `source` for `context` and collects every problem at once (t3-env's habit): the
 * schema, then each named rule of env-rules.ts. Pure: prints nothing and throws nothing, so
 * `pnpm check-env` and tests can use it directly.
 */
export function validateEnv(
  source: EnvSource,
  context: DeployContext,
  {
    providedAtRuntime = [],
  }: {
    /**
     * Variables the platform sets at runtime that this check cannot see (`pnpm check-env
     * --netlify-db`: NETLIFY_DB_URL): they count as present for what is required.
     */
    providedAtRuntime?: readonly VariableName[];
  } = {},
): EnvReport {
  const input: Record<string, string> = {};
  for (const name of Object.keys(variableSpecs)) {
    const value = source[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const ruleInput: RuleInput = { input, context, providedAtRuntime };
  const parsed = envSchema.safeParse(input);
  const schemaErrors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      }));
  const { features, errors: featureErrors } = parseFeatures(source);
  const required = requiredVariables(ruleInput);
  const ofSetValues = [localUrls, placeholders, weakSecrets].map((rule) => rule(ruleInput));
  // In this order: a missing variable, then what is wrong with those that are set.
  const errors = [...required.errors, ...schemaErrors, ...ofSetValues.flatMap((f) => f.errors), ...featureErrors];
  const warnings = [required, ...ofSetValues].flatMap((f) => f.warnings);
  if (errors.length > 0 || !parsed.success) return { context, env: undefined, errors, warnings };

  const values = parsed.data;
  const env: Env = {
    ...values,
    // Your own Neon project wins; else Netlify Database. Everything downstream reads DATABASE_URL.
    DATABASE_URL: values.DATABASE_URL ?? values.NETLIFY_DB_URL,
    databaseSource: values.DATABASE_URL ? 'DATABASE_URL' : values.NETLIFY_DB_URL ? 'NETLIFY_DB_URL' : undefined,
    API_TOKEN: values.API_TOKEN ?? (context === 'dev' ? DEV_API_TOKEN : undefined),
    deployContext: context,
    logLevel: values.LOG_LEVEL ?? (context === 'dev' ? 'debug' : 'warn'),
    features,
    secrets: secretsOf(input),
  };
  return { context, env, errors, warnings };
}

/**
 * A password shorter than this is not redacted on its own (the whole URL still is): a local
 * `postgres:postgres` would otherwise blank out every "postgres" in the logs. Real ones are long and random.
 */
const MIN_BARE_PASSWORD_LENGTH = 12;

/** The values of the sensitive variables that are set, and the password of each URL among them on its own. */
function secretsOf(input: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, spec] of Object.entries(variableSpecs)) {
    const value = input[name];
    if (!('sensitive' in spec) || value === undefined) continue;
    secrets.push(value);
    const password = 'url' in spec ? passwordOf(value) : undefined;
    if (password !== undefined && password.length >= MIN_BARE_PASSWORD_LENGTH) secrets.push(password);
  }
  return secrets;
}

function passwordOf(url: string): string | undefined {
  try {
    const { password } = new URL(url);
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

const warned = new Set<string>();

/**
 * Validates and returns the environment, throwing `EnvValidationError` on any error.
 * Warnings are printed once per process (netlify dev re-imports functions per request, so
 * there they were already shown by `pnpm dev` at start-up and are not repeated).
 */
export function loadEnv(source: EnvSource, context: DeployContext): Env {
  const report = validateEnv(source, context);
  if (report.env === undefined) throw new EnvValidationError(context, report.errors);
  if (source.NETLIFY_DEV !== 'true') {
    for (const warning of report.warnings) {
      const line = `[env] ${warning.variable} ${warning.message}`;
      if (warned.has(line)) continue;
      warned.add(line);
      console.warn(line);
    }
  }
  return report.env;
}

const cache = new Map<DeployContext, { env: Env; netlifyDbUrl: string | undefined }>();

/**
 * The validated environment of this process for the handler's deploy context (cached per context).
 * Pass the Netlify handler's `context` so production is recognised at runtime (docs/platform.md#runtime-context).
 * The one variable the platform changes between invocations — `NETLIFY_DB_URL`, which Netlify's
 * bootstrap sets from each event and rotates — makes it validate again, so the pool and the
 * redactor follow the new URL and password.
 */
export function getEnv(platform?: PlatformContext): Env {
  const context = resolveDeployContext(platform, process.env);
  const netlifyDbUrl = process.env.NETLIFY_DB_URL;
  const cached = cache.get(context);
  if (cached !== undefined && cached.netlifyDbUrl === netlifyDbUrl) return cached.env;
  const env = loadEnv(process.env, context);
  cache.set(context, { env, netlifyDbUrl });
  return env;
}

/** Forget cached environments (tests that change `process.env`). */
export function resetEnvCache(): void {
  cache.clear();
}
