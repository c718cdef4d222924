import type { DeployContext, PlatformContext } from './deploy-context.ts';
import { deployedContexts, resolveDeployContext } from './deploy-context.ts';
import { FEATURE_VARIABLE, parseFlagValue } from './feature-variables.ts';
import { isLocalUrl } from './local-host.ts';
import type { EnvVariables, VariableName } from './variables.ts';
import { DEV_API_TOKEN, envSchema, placeholderValues, variableSpecs } from './variables.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A problem with one variable. Never carries the value. */
export interface EnvProblem {
  variable: string;
  message: string;
}

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

const isDeployed = (context: DeployContext) => deployedContexts.includes(context);

/**
 * Validates `source` for `context` and collects every problem at once (t3-env's habit).
 * Pure: prints nothing and throws nothing, so `pnpm check-env` and tests can use it directly.
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
  const errors: EnvProblem[] = [];
  const warnings: EnvProblem[] = [];
  const input: Record<string, string> = {};
  for (const name of Object.keys(variableSpecs)) {
    const value = source[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }

  for (const [name, spec] of Object.entries(variableSpecs) as [VariableName, (typeof variableSpecs)[VariableName]][]) {
    if (input[name] !== undefined) continue;
    const requiredIn: readonly DeployContext[] | undefined = 'requiredIn' in spec ? spec.requiredIn : undefined;
    const alternative: VariableName | undefined = 'alternative' in spec ? spec.alternative : undefined;
    const present = (variable: VariableName) => input[variable] !== undefined || providedAtRuntime.includes(variable);
    if (present(name) || (alternative !== undefined && present(alternative))) continue;
    if (requiredIn?.includes(context)) {
      const or = alternative === undefined ? '' : ` (or ${alternative})`;
      errors.push({ variable: name, message: `is required in ${context}${or}` });
    } else if (context === 'dev' && 'devFallback' in spec)
      warnings.push({ variable: name, message: `is not set: ${spec.devFallback}` });
    else if (isDeployed(context) && 'devFallback' in spec)
      warnings.push({ variable: name, message: `is not set in ${context}` });
  }

  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push({ variable: String(issue.path[0] ?? 'environment'), message: issue.message });
    }
  }

  for (const [name, spec] of Object.entries(variableSpecs)) {
    const value = input[name];
    if (!('url' in spec) || value === undefined || !isLocalUrl(value)) continue;
    const problem = { variable: name, message: `points at this machine (localhost) in ${context}` };
    if (context === 'production') errors.push(problem);
    else if (isDeployed(context)) warnings.push(problem);
  }

  if (isDeployed(context)) {
    for (const [name, value] of Object.entries(input)) {
      if (placeholderValues.has(value)) {
        errors.push({
          variable: name,
          message: `is a documented placeholder (from .env.example or the docs); set a real value for ${context}`,
        });
      }
    }
  }

  const features: Record<string, boolean> = {};
  for (const [name, raw] of Object.entries(source)) {
    if (!name.startsWith('FEATURE_') || raw === undefined || raw.trim() === '') continue;
    const value = parseFlagValue(raw);
    if (!FEATURE_VARIABLE.test(name)) {
      errors.push({ variable: name, message: 'feature flags must be named FEATURE_<NAME>_ENABLED' });
    } else if (value === undefined) {
      errors.push({ variable: name, message: 'must be true or false (1 or 0 also accepted)' });
    } else {
      features[name] = value;
    }
  }

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
