/** `pnpm build:functions`: bundles functions/* into dist/functions (see lib/build-functions.ts). */
import { buildFunctions, functionEntryPoints, functionsBuildDir } from './lib/build-functions.ts';
import { parseCommand } from './lib/command.ts';

parseCommand({
  name: 'pnpm build:functions',
  summary: "bundles functions/* into dist/functions (Netlify's build command)",
  options: {},
  examples: ['pnpm build:functions'],
  exitCodes: { 1: 'a bundle failed to build' },
});

await buildFunctions();
console.log(`bundled ${Object.keys(functionEntryPoints()).join(', ')} into ${functionsBuildDir}`);
