import type { DeployContext, Env } from '@app/env';
import type { FlagDefinition, FlagName } from './registry.ts';
import { flagNames, flagRegistry, flagVariable } from './registry.ts';

/** The flag's default in a deploy context: `defaultIn[context]`, else `default`. */
export function flagDefault(name: FlagName, context: DeployContext): boolean {
  const definition: FlagDefinition = flagRegistry[name];
  return definition.defaultIn?.[context] ?? definition.default;
}

/**
 * Whether a flag is on for this environment: its `FEATURE_<NAME>_ENABLED` variable when set
 * (already parsed strictly by `@app/env`: a typo fails validation, never reads as off),
 * otherwise its default for the deploy context. A misspelt name is a type error.
 */
export function isEnabled(name: FlagName, env: Pick<Env, 'features' | 'deployContext'>): boolean {
  return env.features[flagVariable(name)] ?? flagDefault(name, env.deployContext);
}

/** `FEATURE_*_ENABLED` variables that are set but match no registered flag (likely typos). */
export function unknownFlagVariables(env: Pick<Env, 'features'>): string[] {
  const known = new Set(flagNames.map(flagVariable));
  return Object.keys(env.features).filter((variable) => !known.has(variable));
}
