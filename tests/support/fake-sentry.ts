import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface SentryEvent {
  event_id: string;
  environment?: string;
  release?: string;
  level?: string;
  tags?: Record<string, string>;
  breadcrumbs?: Array<{ message?: string; category?: string; data?: Record<string, unknown> }>;
  exception?: { values?: Array<{ type?: string; value?: string }> };
  debug_meta?: { images?: Array<{ type?: string; code_file?: string; debug_id?: string }> };
}

/**
 * One span as Sentry v11 streams them (`span` envelope items, Span v2): a request's transaction is
 * its segment span (`is_segment`), the query spans are children under it.
 */
export interface SentrySpan {
  name: string;
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  is_segment: boolean;
  status: string;
  attributes: Record<string, { value: unknown; type?: string }>;
}

/** One Sentry Log (an item of a `log` envelope item), as the SDK serialises it. */
export interface SentryLog {
  level: string;
  body: string;
  attributes: Record<string, { value: unknown; type?: string }>;
}

export interface FakeSentry {
  dsn: string;
  /** Every envelope body received, as text (for "does a secret appear anywhere" checks). */
  rawEnvelopes: string[];
  events(): SentryEvent[];
  logs(): SentryLog[];
  spans(): SentrySpan[];
  waitForEvents(count: number, timeoutMs?: number): Promise<SentryEvent[]>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

/**
 * A local stand-in for Sentry's ingest: the real SDK, given `dsn`, POSTs real envelopes to
 * `/api/1/envelope/` here (docs/platform.md#sentry-envelopes). Only the network edge is fake.
 */
export async function startFakeSentry(): Promise<FakeSentry> {
  const rawEnvelopes: string[] = [];
  const events: SentryEvent[] = [];
  const logs: SentryLog[] = [];
  const spans: SentrySpan[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    rawEnvelopes.push(body);
    // Envelope: a header line, then (item header line, payload line) pairs.
    const lines = body.split('\n').filter((line) => line.length > 0);
    for (let i = 1; i + 1 < lines.length; i += 2) {
      const itemHeader = JSON.parse(lines[i] as string) as { type?: string };
      if (itemHeader.type === 'event') events.push(JSON.parse(lines[i + 1] as string) as SentryEvent);
      if (itemHeader.type === 'span')
        spans.push(...(JSON.parse(lines[i + 1] as string) as { items: SentrySpan[] }).items);
      if (itemHeader.type === 'log') logs.push(...(JSON.parse(lines[i + 1] as string) as { items: SentryLog[] }).items);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    rawEnvelopes,
    events: () => [...events],
    logs: () => [...logs],
    spans: () => [...spans],
    async waitForEvents(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} Sentry events, got ${events.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...events];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
