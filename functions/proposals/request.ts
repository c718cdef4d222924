import { ValidationError } from '@app/observability';
import type * as z from 'zod/mini';

/**
 * Reads a JSON body of at most `maxBytes`. Every failure is a 400 with a detail saying what to fix,
 * raised before anything is written.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const fail = (message: string): never => {
    throw new ValidationError([{ path: '', message }]);
  };
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
    fail('Content-Type must be application/json');
  }
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) fail(`Body must be at most ${maxBytes} bytes`);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) fail(`Body must be at most ${maxBytes} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail('Body must be valid JSON');
  }
}

/** The `:id` in `/api/proposals/:id` or `/.netlify/functions/proposals/:id`; undefined for the collection. */
export function resourceId(url: string, collection: string): string | undefined {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const index = segments.lastIndexOf(collection);
  return index >= 0 && segments.length > index + 1
    ? decodeURIComponent(segments.slice(index + 1).join('/'))
    : undefined;
}

/** Parses `input` with a zod schema; its issues become a 400 with one detail per field. */
export function parse<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromIssues(result.error.issues);
  return result.data;
}
