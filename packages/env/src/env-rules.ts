import type { DeployContext } from './deploy-context.ts';
import { deployedContexts } from './deploy-context.ts';
import { FEATURE_VARIABLE, parseFlagValue } from './feature-variables.ts';
import { isLocalUrl } from './local-host.ts';
import type { VariableName } from './variables.ts';
import { placeholderValues, variableSpecs } from './variables.ts';

/** A problem with one variable. Never carries the value. */
export interface EnvProblem {
  variable: string;
  message: string;
}

/** What every rule sees: the non-empty, trimmed values of the declared variables. */
export interface RuleInput {
  input: Readonly<Record<string, string>>;
  context: DeployContext;
  /** Variables the platform sets at runtime that a check before the deploy cannot see. */
  providedAtRuntime: readonly VariableName[];
}

export interface RuleFindings {
  errors: EnvProblem[];
  warnings: EnvProblem[];
}

/** One check of the environment, testable alone; `validateEnv` runs them all and keeps every finding. */
export type EnvRule = (rule: RuleInput) => RuleFindings;

const isDeployed = (context: DeployContext) => deployedContexts.includes(context);
const specs = Object.entries(variableSpecs) as [VariableName, (typeof variableSpecs)[VariableName]][];

/** Required where its spec says (or its alternative instead); a missing one with a dev fallback is a warning. */
export const requiredVariables: EnvRule = ({ input, context, providedAtRuntime }) => {
  const findings: RuleFindings = { errors: [], warnings: [] };
  const present = (variable: VariableName) => input[variable] !== undefined || providedAtRuntime.includes(variable);
  for (const [name, spec] of specs) {
    const alternative: VariableName | undefined = 'alternative' in spec ? spec.alternative : undefined;
    if (present(name) || (alternative !== undefined && present(alternative))) continue;
    const requiredIn: readonly DeployContext[] | undefined = 'requiredIn' in spec ? spec.requiredIn : undefined;
    if (requiredIn?.includes(context)) {
      const or = alternative === undefined ? '' : ` (or ${alternative})`;
      findings.errors.push({ variable: name, message: `is required in ${context}${or}` });
    } else if ('devFallback' in spec && (context === 'dev' || isDeployed(context))) {
      const message = context === 'dev' ? `is not set: ${spec.devFallback}` : `is not set in ${context}`;
      findings.warnings.push({ variable: name, message });
    }
  }
  return findings;
};

/** A URL on this machine: an error in production, a warning in the other deployed contexts. */
export const localUrls: EnvRule = ({ input, context }) => {
  const findings: RuleFindings = { errors: [], warnings: [] };
  for (const [name, spec] of specs) {
    const value = input[name];
    if (!('url' in spec) || value === undefined || !isLocalUrl(value)) continue;
    const problem = { variable: name, message: `points at this machine (localhost or a socket) in ${context}` };
    if (context === 'production') findings.errors.push(problem);
    else if (isDeployed(context)) findings.warnings.push(problem);
  }
  return findings;
};

/** A value copied from .env.example or the docs — in any case, with anything after it — deployed: an error. */
export const placeholders: EnvRule = ({ input, context }) => ({
  errors: isDeployed(context)
    ? Object.entries(input)
        .filter(([, value]) => isPlaceholder(value))
        .map(([variable]) => ({
          variable,
          message: `is a documented placeholder (from .env.example or the docs); set a real value for ${context}`,
        }))
    : [],
  warnings: [],
});

/**
 * The placeholder's identity when it is a URL: who and where (user, password, host), whatever the
 * path and query — the example DSN with another project id, the example database URL without
 * `?sslmode=require` are the same placeholder.
 */
function urlIdentity(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.hostname === '' ? undefined : `${url.username}:${url.password}@${url.hostname}`.toLowerCase();
}

const placeholderTexts = [...placeholderValues].map((value) => value.toLowerCase());
const placeholderIdentities = new Set([...placeholderValues].flatMap((value) => urlIdentity(value) ?? []));

export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (placeholderTexts.some((placeholder) => lower.startsWith(placeholder))) return true;
  const identity = urlIdentity(value);
  return identity !== undefined && placeholderIdentities.has(identity);
}

/** Fewer different characters than this, and a value is a pattern, not a secret. */
const MIN_DISTINCT_CHARACTERS = 8;
/** Words people type where a secret belongs; a value made only of them (and digits) is not one. */
const guessableWords =
  /^(?:pass(?:word)?|secret|token|change|me|admin|letmein|qwerty|test(?:ing)?|example|default|replace|please|welcome|dev|prod(?:uction)?|key|api|abc|xyz|[\d_.-])+$/i;

/** The reason `value` is not a secret a person would call one, or undefined when it could be. */
export function weakSecretReason(value: string): string | undefined {
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS)
    return `has fewer than ${MIN_DISTINCT_CHARACTERS} different characters`;
  // The shortest unit the value repeats: `abcdabcd…` is `abcd` twice or more.
  const period = `${value}${value}`.indexOf(value, 1);
  if (period < value.length) return 'repeats a shorter value';
  if (guessableWords.test(value)) return 'is made of guessable words';
  return undefined;
}

/** A sensitive token (not a URL) that is guessable, deployed: an error. */
export const weakSecrets: EnvRule = ({ input, context }) => {
  const findings: RuleFindings = { errors: [], warnings: [] };
  if (!isDeployed(context)) return findings;
  for (const [name, spec] of specs) {
    const value = input[name];
    if (!('sensitive' in spec) || 'url' in spec || value === undefined || isPlaceholder(value)) continue;
    const reason = weakSecretReason(value);
    if (reason !== undefined) {
      findings.errors.push({
        variable: name,
        message: `is not a secret: it ${reason}; generate one, e.g. \`openssl rand -base64 32\``,
      });
    }
  }
  return findings;
};

/** Every `FEATURE_…` variable that is set: named `FEATURE_<NAME>_ENABLED` and a boolean, else an error each. */
export function parseFeatures(source: Readonly<Record<string, string | undefined>>): {
  features: Record<string, boolean>;
  errors: EnvProblem[];
} {
  const features: Record<string, boolean> = {};
  const errors: EnvProblem[] = [];
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
  return { features, errors };
}
