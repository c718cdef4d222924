import type * as z from 'zod/mini';
import { NotFoundError, ValidationError } from './http-errors.ts';

/**
 * Reads a JSON body of at most `maxBytes`. Every failure is a 400 with a detail saying what to fix,
 * raised before anything is written.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
    fail('Content-Type must be application/json');
  }
  const tooLarge = `Body must be at most ${maxBytes} bytes`;
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) fail(tooLarge);
  // A chunked body has no Content-Length: read it chunk by chunk and stop at the limit, so that a
  // 100 MB body costs 16 KiB of memory, not 100 MB.
  const bytes = await readAtMost(request, maxBytes);
  if (bytes === undefined) fail(tooLarge);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return fail('Body must be valid JSON in UTF-8');
  }
}

function fail(message: string): never {
  throw new ValidationError([{ path: '', message }]);
}

/** The body's bytes, or undefined (and the rest left unread) as soon as it passes `maxBytes`. */
async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (request.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The `:id` in `/api/proposals/:id` or `/.netlify/functions/proposals/:id`; undefined for the
 * collection. An id that is not valid percent-encoding names no resource: 404, not a URIError.
 */
export function resourceId(url: string, collection: string): string | undefined {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const index = segments.lastIndexOf(collection);
  if (index < 0 || segments.length <= index + 1) return undefined;
  try {
    return decodeURIComponent(segments.slice(index + 1).join('/'));
  } catch {
    throw new NotFoundError();
  }
}

/** Parses `input` with a zod schema; its issues become a 400 with one detail per field. */
export function parse<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromIssues(result.error.issues);
  return result.data;
}
