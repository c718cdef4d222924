/**
 * `pnpm build`: the function bundles exactly as Netlify deploys them — `netlify build --offline`
 * runs netlify.toml's build command and packages `.netlify/functions/<name>.zip`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { buildZips, zipNames, zipsDir } from '@app/runtime/zips';
import { parseCommand } from '@app/stack/command';

parseCommand({
  name: 'pnpm build',
  summary: 'netlify build --offline: the zips Netlify deploys, in .netlify/functions',
  options: {},
  examples: ['pnpm build'],
  exitCodes: { 1: 'netlify build failed' },
});

try {
  await buildZips();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
for (const name of zipNames()) {
  const size = statSync(join(zipsDir, `${name}.zip`)).size;
  console.log(`${`${name}.zip`.padEnd(24)} ${(size / 1024 / 1024).toFixed(2)} MiB`);
}
