export type { DeployContext, PlatformContext } from './deploy-context.ts';
export { deployContexts, deployedContexts } from './deploy-context.ts';
export { FEATURE_VARIABLE } from './feature-variables.ts';
export type { Env, EnvProblem, EnvReport, EnvSource, LogLevel } from './load-env.ts';
export { EnvValidationError, formatProblems, getEnv, resetEnvCache, validateEnv } from './load-env.ts';
export { isLocalHostname, isLocalUrl } from './local-host.ts';
export type { VariableName, VariableSpec } from './variables.ts';
export { DEV_API_TOKEN, databaseDefaults, variableSpecs } from './variables.ts';
