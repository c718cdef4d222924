import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { devLockHolder } from '@app/stack/dev-lock';
import { repositoryRoot, spawnNetlify } from '@app/stack/netlify-dev';
import extract from 'extract-zip';

/** Where `netlify build` leaves the zips Netlify deploys. */
export const zipsDir = join(repositoryRoot, '.netlify/functions');

/** `netlify build --offline`: runs netlify.toml's build command and packages one zip per function. */
export async function buildZips(stdio: 'inherit' | 'pipe' = 'inherit'): Promise<void> {
  const build = spawnNetlify(['build', '--offline'], { stdio });
  let output = '';
  build.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  build.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`netlify build failed (exit ${code})${output ? `:\n${output.slice(-2_000)}` : ''}`);
}

export function zipNames(): string[] {
  try {
    return readdirSync(zipsDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => file.slice(0, -'.zip'.length));
  } catch {
    return [];
  }
}

/** Where unpacked zips are kept: outside any repository (see `unpackZips`), one folder per checkout. */
const unpackBase = join(tmpdir(), 'pnpm-serve-zips');

/**
 * Unpacks each zip into a folder of its own outside the repository — as Lambda unpacks it to
 * /var/task — so nothing can resolve from the workspace's node_modules: what runs is what ships.
 * Returns the folders by function name. A zip is unpacked once per content (~1,300 files take
 * `extract-zip` 5–10 s on 2 cores), so a restart on the same build reuses its folders; a checkout
 * keeps only its latest version of each function, and a checkout that is gone loses its folders.
 */
export async function unpackZips(): Promise<Map<string, string>> {
  const checkout = createHash('sha256').update(repositoryRoot).digest('hex').slice(0, 12);
  const root = join(unpackBase, checkout);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'checkout'), repositoryRoot);
  await forgetRemovedCheckouts();
  const unpacked = await Promise.all(zipNames().map(async (name) => [name, await unpackOnce(root, name)] as const));
  return new Map(unpacked);
}

async function unpackOnce(root: string, name: string): Promise<string> {
  const zip = join(zipsDir, `${name}.zip`);
  const version = createHash('sha256').update(readFileSync(zip)).digest('hex').slice(0, 16);
  const dir = join(root, `${name}-${version}`);
  if (!existsSync(dir)) {
    // Unpacked aside and renamed into place: a folder under its final name is always complete.
    const partial = await mkdtemp(join(root, `.partial-${name}-`));
    try {
      await extract(zip, { dir: partial });
      // Another start may have put the same version in place meanwhile: then use that one.
      await rename(partial, dir).catch((error: unknown) => {
        if (!existsSync(dir)) throw error;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  // Another local server of this checkout (a `pnpm serve` while `pnpm bench` builds) may still run
  // from an older version: then the old folders are left to the next start.
  if (devLockHolder() !== undefined) return dir;
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(`${name}-`) && entry !== basename(dir))
      await rm(join(root, entry), { recursive: true, force: true });
  }
  return dir;
}

/** Removes the unpacked zips of checkouts that no longer exist (clones deleted after a CI run). */
async function forgetRemovedCheckouts(): Promise<void> {
  for (const checkout of readdirSync(unpackBase)) {
    let path: string;
    try {
      path = readFileSync(join(unpackBase, checkout, 'checkout'), 'utf8');
    } catch {
      continue; // being created by another start: leave it
    }
    if (!existsSync(path)) await rm(join(unpackBase, checkout), { recursive: true, force: true });
  }
}
