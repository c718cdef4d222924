/**
 * `pnpm build`: the function bundles exactly as Netlify deploys them — `netlify build --offline`
 * runs netlify.toml's build command and packages `.netlify/functions/<name>.zip`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommand } from '@app/stack/command';
import { repositoryRoot, spawnNetlify } from '@app/stack/netlify-dev';

parseCommand({
  name: 'pnpm build',
  summary: 'netlify build --offline: the zips Netlify deploys, in .netlify/functions',
  options: {},
  examples: ['pnpm build'],
  exitCodes: { 1: 'netlify build failed' },
});

const builtFunctionsDir = join(repositoryRoot, '.netlify/functions');

const build = spawnNetlify(['build', '--offline']);
const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
if (code !== 0) {
  console.error(`netlify build failed (exit ${code})`);
  process.exit(1);
}
for (const file of readdirSync(builtFunctionsDir).filter((name) => name.endsWith('.zip'))) {
  const size = statSync(join(builtFunctionsDir, file)).size;
  console.log(`${file.padEnd(24)} ${(size / 1024 / 1024).toFixed(2)} MiB`);
}
