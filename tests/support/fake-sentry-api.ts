import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import extract from 'extract-zip';

/** One artifact bundle as assembled: its manifest's files, each with the debug ID it was sent for. */
export interface UploadedFile {
  url: string;
  type: string;
  debugId?: string;
}

export interface FakeSentryApi {
  /** `SENTRY_URL` for a build. */
  url: string;
  /** Every file of every assembled artifact bundle. */
  files(): UploadedFile[];
  /** `METHOD path` of every request, for a test's failure message. */
  requests: string[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A local stand-in for the part of Sentry's web API that the Sentry CLI (driven by Sentry's esbuild
 * plugin) uses to upload source maps: chunk-upload options, chunk uploads (multipart, one field per
 * chunk named by its SHA-1) and artifact-bundle assembly. An assembled bundle is unzipped and its
 * manifest read, so a test can compare the uploaded debug IDs with those in events.
 */
export async function startFakeSentryApi(): Promise<FakeSentryApi> {
  const chunks = new Map<string, Buffer>();
  const files: UploadedFile[] = [];
  const requests: string[] = [];
  let base = '';

  async function assemble(checksum: string, parts: string[]): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-sentry-bundle-'));
    try {
      const zip = join(dir, `${checksum}.zip`);
      await writeFile(zip, Buffer.concat(parts.map((sha1) => chunks.get(sha1) as Buffer)));
      await extract(zip, { dir: join(dir, 'bundle') });
      const manifest = JSON.parse(await readFile(join(dir, 'bundle/manifest.json'), 'utf8')) as {
        files: Record<string, { url: string; type: string; headers?: Record<string, string> }>;
      };
      for (const file of Object.values(manifest.files)) {
        files.push({ url: file.url, type: file.type, debugId: file.headers?.['debug-id'] });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    requests.push(`${request.method} ${path}`);
    const body = await readBody(request);
    const json = (status: number, value: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (/^\/api\/0\/organizations\/[^/]+\/chunk-upload\/$/.test(path)) {
      if (request.method === 'GET') {
        return json(200, {
          url: `${base}${path}`,
          chunkSize: 8 * 1024 * 1024,
          chunksPerRequest: 64,
          maxRequestSize: 32 * 1024 * 1024,
          concurrency: 1,
          hashAlgorithm: 'sha1',
          compression: [],
          accept: ['artifact_bundles', 'sources'],
        });
      }
      // Multipart: undici parses it as fetch does.
      const form = await new Request('http://fake', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body,
      }).formData();
      for (const value of form.values()) {
        if (value instanceof File) chunks.set(value.name, Buffer.from(await value.arrayBuffer()));
      }
      return json(200, {});
    }
    if (/^\/api\/0\/organizations\/[^/]+\/artifactbundle\/assemble\/$/.test(path)) {
      const { checksum, chunks: parts } = JSON.parse(body.toString()) as { checksum: string; chunks: string[] };
      const missingChunks = parts.filter((sha1) => !chunks.has(sha1));
      if (missingChunks.length > 0) return json(200, { state: 'not_found', missingChunks });
      await assemble(checksum, parts);
      return json(200, { state: 'created', missingChunks: [] });
    }
    return json(404, { detail: 'not part of this stand-in' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: base,
    files: () => [...files],
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
