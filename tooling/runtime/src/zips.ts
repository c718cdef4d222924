import { readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Unpacks each zip into a folder of its own outside the repository — as Lambda unpacks it to
 * /var/task — so nothing can resolve from the workspace's node_modules: what runs is what ships.
 */
export async function unpackZips(): Promise<Map<string, string>> {
  const root = await mkdtemp(join(tmpdir(), 'pnpm-serve-'));
  const unpacked = new Map<string, string>();
  for (const name of zipNames()) {
    const dir = join(root, name);
    await extract(join(zipsDir, `${name}.zip`), { dir });
    unpacked.set(name, dir);
  }
  return unpacked;
}
