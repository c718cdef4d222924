import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { describe, expect, it } from 'vitest';

describe('the runtime the project runs on', () => {
  const pinned = /^ {2}node: (\d+\.\d+\.\d+)$/m.exec(
    readFileSync(join(repositoryRoot, 'pnpm-workspace.yaml'), 'utf8'),
  )?.[1];

  it('should be the Node.js pinned in the catalog, not the machine’s own', () => {
    expect(pinned).toBeDefined();
    expect(process.version).toBe(`v${pinned}`);
  });

  it('should be the major netlify.toml deploys', () => {
    const deployed = /NODE_VERSION = "(\d+)"/.exec(readFileSync(join(repositoryRoot, 'netlify.toml'), 'utf8'))?.[1];
    expect(process.versions.node.split('.')[0]).toBe(deployed);
  });
});
