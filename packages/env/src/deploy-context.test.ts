import { describe, expect, it } from 'vitest';
import { resolveDeployContext } from './deploy-context.ts';

describe('resolveDeployContext', () => {
  it('should prefer the handler context over CONTEXT and NODE_ENV', () => {
    const source = { CONTEXT: 'dev', NODE_ENV: 'development' };
    expect(resolveDeployContext({ deploy: { context: 'production' } }, source)).toBe('production');
  });

  it('should fall back to CONTEXT when the handler gives none', () => {
    expect(resolveDeployContext({}, { CONTEXT: 'deploy-preview', NODE_ENV: 'production' })).toBe('deploy-preview');
  });

  it('should ignore an unknown handler context', () => {
    expect(resolveDeployContext({ deploy: { context: 'staging' } }, { CONTEXT: 'branch-deploy' })).toBe(
      'branch-deploy',
    );
  });

  it('should fall back to NODE_ENV=production last', () => {
    expect(resolveDeployContext(undefined, { NODE_ENV: 'production' })).toBe('production');
    expect(resolveDeployContext(undefined, { NODE_ENV: 'test' })).toBe('dev');
    expect(resolveDeployContext(undefined, {})).toBe('dev');
  });
});
