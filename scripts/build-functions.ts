/** `pnpm build:functions`: bundles functions/* into dist/functions (see lib/build-functions.ts). */
import { buildFunctions, functionEntryPoints, functionsBuildDir } from './lib/build-functions.ts';

await buildFunctions();
console.log(`bundled ${Object.keys(functionEntryPoints()).join(', ')} into ${functionsBuildDir}`);
