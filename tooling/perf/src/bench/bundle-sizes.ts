import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { functionsBuildDir } from '@app/stack/build-functions';
import { repositoryRoot } from '@app/stack/netlify-dev';

export interface BundleSizes {
  sizes: { file: string; kib: number }[];
  zips: { file: string; mib: number }[];
}

/** Bundle sizes as bundled by us, and as zipped by Netlify when `pnpm build` has run. */
export function bundleSizes(): BundleSizes {
  const sizes = readdirSync(functionsBuildDir)
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => ({ file, kib: statSync(join(functionsBuildDir, file)).size / 1024 }));
  const zipDir = join(repositoryRoot, '.netlify/functions');
  try {
    const zips = readdirSync(zipDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => ({ file, mib: statSync(join(zipDir, file)).size / 1024 / 1024 }));
    return { sizes, zips };
  } catch {
    return { sizes, zips: [] }; // `pnpm build` has not run.
  }
}
