import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { NotFoundError, ValidationError } from './http-errors.ts';
import { parse, readJsonBody, resourceId } from './request.ts';

const json = { 'Content-Type': 'application/json' };

/** A body with no Content-Length, sent in `chunks` pieces of `size` bytes, counting what was pulled. */
function chunkedRequest(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  const request = new Request('http://localhost/api/proposals', {
    method: 'POST',
    headers: json,
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('readJsonBody', () => {
  it('should stop reading a body without Content-Length as soon as it passes the limit', async () => {
    const { request, pulled } = chunkedRequest(1_600, 64 * 1024); // 100 MiB on offer
    await expect(readJsonBody(request, 16 * 1024)).rejects.toThrow(ValidationError);
    expect(pulled()).toBeLessThanOrEqual(2);
  });

  it('should refuse a body that is not UTF-8 with a 400, not garble it', async () => {
    const request = new Request('http://localhost/', {
      method: 'POST',
      headers: json,
      body: new Uint8Array([0x22, 0xff, 0x22]),
    });
    await expect(readJsonBody(request, 1024)).rejects.toThrow(ValidationError);
  });

  it('should parse a small JSON body', async () => {
    const request = new Request('http://localhost/', { method: 'POST', headers: json, body: '{"a":1}' });
    await expect(readJsonBody(request, 1024)).resolves.toEqual({ a: 1 });
  });
});

describe('resourceId', () => {
  it('should decode a percent-encoded id', () => {
    expect(resourceId('http://localhost/api/proposals/a%20b', 'proposals')).toBe('a b');
  });

  it('should answer 404 for a malformed percent-escape, not throw a URIError', () => {
    expect(() => resourceId('http://localhost/api/proposals/%E0%A4%A', 'proposals')).toThrow(NotFoundError);
  });
});

const body = z.strictObject({ title: z.string().check(z.refine((v) => !v.includes('\u0000'), 'no NUL')) });

describe('parse', () => {
  it('should name each unknown field in its own detail', () => {
    try {
      parse(body, { title: 't', owner: 'x', extra: 2 });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).details.map((d) => d.path).sort()).toEqual(['extra', 'owner']);
    }
  });

  it("should turn a schema's refusal into a 400 detail at the field's path", () => {
    expect(() => parse(body, { title: 'a\u0000b' })).toThrow(ValidationError);
    try {
      parse(body, { title: 'a\u0000b' });
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ path: 'title', message: 'no NUL' }]);
    }
  });
});
