/** `pnpm build:functions`: bundles functions/* into dist/functions (see lib/build-functions.ts). */
import { buildFunctions, functionEntryPoints, functionsBuildDir, sourceMapUpload } from '@app/stack/build-functions';
import { parseCommand } from '@app/stack/command';

parseCommand({
  name: 'pnpm build:functions',
  summary: "bundles functions/* into dist/functions (Netlify's build command)",
  options: {},
  examples: ['pnpm build:functions'],
  exitCodes: { 1: 'a bundle failed to build' },
});

await buildFunctions();
console.log(`bundled ${Object.keys(functionEntryPoints()).join(', ')} into ${functionsBuildDir}`);
console.log(sourceMapUpload().note);
