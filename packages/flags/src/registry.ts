import type { DeployContext } from '@app/env';

export interface FlagDefinition {
  /** One line: what turning it on does. Shown in `.env.example`. */
  description: string;
  /** Value when its variable is unset. */
  default: boolean;
  /** Per-context defaults that win over `default` (an explicit variable still wins over both). */
  defaultIn?: Partial<Record<DeployContext, boolean>>;
}

/**
 * Every feature flag, declared once. The key is the flag's name in code (`isEnabled('proposalArchive')`);
 * its variable is the key in CONSTANT_CASE between `FEATURE_` and `_ENABLED` — the mapping
 * OpenFeature's environment-variable provider uses, so moving there is a provider swap.
 */
export const flagRegistry = {
  debugError: {
    description: 'Serve GET /api/debug/error, which throws on purpose so an operator can see Sentry capture it.',
    default: false,
  },
  proposalArchive: {
    description: 'Allow setting a proposal\'s status to "archived" (off in production until launch).',
    default: true,
    defaultIn: { production: false },
  },
} as const satisfies Record<string, FlagDefinition>;

export type FlagName = keyof typeof flagRegistry;

export const flagNames = Object.keys(flagRegistry) as FlagName[];

/** `proposalArchive` → `FEATURE_PROPOSAL_ARCHIVE_ENABLED`. */
export function flagVariable(name: FlagName): string {
  return `FEATURE_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_ENABLED`;
}
