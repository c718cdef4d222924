export { flagDefault, isEnabled, unknownFlagVariables } from './is-enabled.ts';
export type { FlagDefinition, FlagName } from './registry.ts';
export { flagNames, flagRegistry, flagVariable } from './registry.ts';
