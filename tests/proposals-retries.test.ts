import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idempotentRequest } from '../functions/proposals/idempotency.ts';
import type { Proposal } from '../functions/proposals/store.ts';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import { proposalsInProcess } from './support/in-process.ts';

// Writes that survive retries and races: the proposals function in-process on real PostgreSQL
// (the pooled path: tests/db-pooler.test.ts; an instance killed after COMMIT: tests/serve/retries.ts).

const token = 'retries-token-0123456789abcdef';
let testDb: TestDatabase;
let proposals: (request: Request, context: object) => Promise<Response>;

beforeAll(async () => {
  testDb = await useTestDatabase();
  proposals = await proposalsInProcess(testDb, token, { DB_POOL_MAX: '30' });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await testDb?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await proposals(
    new Request(`http://localhost${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    {},
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const proposal = (answer: Answer) => JSON.parse(answer.text) as Proposal;
const rowsTitled = async (title: string): Promise<number> =>
  (await testDb.admin.query<{ n: number }>('select count(*)::int as n from proposals where title = $1', [title]))[0]
    ?.n ?? 0;
let serial = 0;
function unique(label: string): string {
  serial += 1;
  return `${label}-${process.pid}-${Date.now()}-${serial}`;
}
const draft = (title: string) => ({ title, clientName: 'Retry client', amountCents: 100 });

describe('Idempotency-Key', () => {
  it('should answer a retry with the first answer, marked replayed, and write once', async () => {
    const title = unique('replay');
    const key = { 'Idempotency-Key': unique('key') };
    const first = await call('POST', '/api/proposals', draft(title), key);
    const again = await call('POST', '/api/proposals', draft(title), key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again).toMatchObject({ status: 201, text: first.text });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    for (const name of ['location', 'etag', 'content-type'])
      expect(again.headers.get(name)).toBe(first.headers.get(name));
    expect(await rowsTitled(title)).toBe(1);
  });

  it('should refuse the same key for another request with 422, writing nothing', async () => {
    const key = { 'Idempotency-Key': unique('key') };
    await call('POST', '/api/proposals', draft(unique('first')), key);
    const other = unique('other');
    const reused = await call('POST', '/api/proposals', draft(other), key);
    expect(reused.status).toBe(422);
    expect(JSON.parse(reused.text)).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(await rowsTitled(other)).toBe(0);
  });

  it('should create one proposal for ten identical requests with one key at the same moment', async () => {
    const title = unique('race');
    const key = { 'Idempotency-Key': unique('key') };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/api/proposals', draft(title), key)),
    );
    expect(await rowsTitled(title)).toBe(1);
    const created = answers.filter((answer) => answer.status === 201);
    expect(new Set(created.map((answer) => answer.text)).size).toBe(1);
    // Waiters get the first answer once it commits; only one that waited past the lock limit is told to retry.
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.headers.get('retry-after')).toBe('1');
    }
  });

  it('should answer 409 with Retry-After while the first request with the key is still running', async () => {
    const key = unique('key');
    const body = draft(unique('running'));
    const request = new Request('http://localhost/api/proposals', { method: 'POST' });
    const { scope, fingerprint } = idempotentRequest(request, key, token, body);
    // Another transaction holds the key, uncommitted: the request waits the server's lock_timeout (2 s).
    const holder = testDb.create({ max: 1, applicationName: 'test-key-holder' });
    const held = holder.transaction(async (tx) => {
      await tx.query(
        `insert into idempotency_keys (scope, key, fingerprint, status, headers, body, expires_at)
         values ($1, $2, $3, 0, '{}', '', now() + interval '1 hour')`,
        [scope, key, fingerprint],
      );
      const answer = await call('POST', '/api/proposals', body, { 'Idempotency-Key': key });
      throw Object.assign(new Error('roll back'), { answer });
    });
    const { answer } = (await held.catch((error: { answer: Answer }) => error)) as { answer: Answer };
    expect(answer.status, answer.text).toBe(409);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
    expect(await rowsTitled(body.title)).toBe(0);
    // Once the holder is gone, the retry runs.
    expect((await call('POST', '/api/proposals', body, { 'Idempotency-Key': key })).status).toBe(201);
    await holder.end();
  });

  it('should forget a key once it expired, and sweep expired keys without a job of their own', async () => {
    const key = { 'Idempotency-Key': unique('key') };
    await call('POST', '/api/proposals', draft(unique('old')), key);
    await testDb.admin.query(`update idempotency_keys set expires_at = now() - interval '1 second' where key = $1`, [
      key['Idempotency-Key'],
    ]);
    await testDb.admin.query(
      `insert into idempotency_keys (scope, key, fingerprint, status, headers, body, expires_at)
       select 'expired-scope', 'expired-' || n, 'f', 201, '{}', '', now() - interval '1 hour' from generate_series(1, 30) n`,
    );
    const fresh = unique('fresh');
    expect((await call('POST', '/api/proposals', draft(fresh), key)).status).toBe(201);
    expect(await rowsTitled(fresh)).toBe(1);
    const [left] = await testDb.admin.query<{ n: number }>(
      `select count(*)::int as n from idempotency_keys where scope = 'expired-scope'`,
    );
    expect(left?.n).toBe(10); // 20 swept by that one write
  });

  it('should leave requests without the header as they were: two POSTs, two proposals', async () => {
    const title = unique('plain');
    await call('POST', '/api/proposals', draft(title));
    await call('POST', '/api/proposals', draft(title));
    expect(await rowsTitled(title)).toBe(2);
  });

  it('should refuse a malformed key with 400 before anything is written', async () => {
    const title = unique('badkey');
    const answer = await call('POST', '/api/proposals', draft(title), { 'Idempotency-Key': '""' });
    expect(answer.status).toBe(400);
    expect(await rowsTitled(title)).toBe(0);
  });

  it('should replay and race over a few keys: one proposal per key, every answer the same as the first', async () => {
    // A command: a key (0–2) and which body — the key's own (0–2) or another one (3), a client bug.
    const command = fc.record({ key: fc.integer({ min: 0, max: 2 }), variant: fc.integer({ min: 0, max: 3 }) });
    const batches = fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(batches, async (runBatches) => {
        const run = unique('prop');
        const titleOf = (key: number, variant: number) => `${run}-k${key}${variant === 3 ? '-other' : ''}`;
        const created = new Map<number, string[]>();
        for (const batch of runBatches) {
          // A batch races; batches follow one another (replays, reorderings).
          const answers = await Promise.all(
            batch.map(({ key, variant }) =>
              call('POST', '/api/proposals', draft(titleOf(key, variant)), {
                'Idempotency-Key': `${run}-k${key}`,
              }).then((answer) => ({ key, answer })),
            ),
          );
          for (const { key, answer } of answers) {
            expect([201, 409, 422]).toContain(answer.status);
            if (answer.status === 201) created.set(key, [...(created.get(key) ?? []), answer.text]);
          }
        }
        for (const [key, texts] of created) {
          // Every 201 for a key is the first answer, byte for byte; one proposal was written for it.
          expect(new Set(texts).size).toBe(1);
          expect((await rowsTitled(titleOf(key, 0))) + (await rowsTitled(titleOf(key, 3)))).toBe(1);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('ETag and conditional requests', () => {
  it('should give every proposal answer an ETag that changes with each write', async () => {
    const created = await call('POST', '/api/proposals', draft(unique('etag')));
    const { id } = proposal(created);
    const read = await call('GET', `/api/proposals/${id}`);
    expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
    const changed = await call('PATCH', `/api/proposals/${id}`, { amountCents: 5 });
    expect(changed.headers.get('etag')).not.toBe(created.headers.get('etag'));
    expect((await call('GET', `/api/proposals/${id}`)).headers.get('etag')).toBe(changed.headers.get('etag'));
  });

  it('should answer If-None-Match on the current version with 304 and no body', async () => {
    const created = await call('POST', '/api/proposals', draft(unique('inm')));
    const etag = created.headers.get('etag') as string;
    const notModified = await call('GET', `/api/proposals/${proposal(created).id}`, undefined, {
      'If-None-Match': etag,
    });
    expect(notModified).toMatchObject({ status: 304, text: '' });
    expect(notModified.headers.get('etag')).toBe(etag);
  });

  it('should apply a PATCH with If-Match only at that version: 412 and nothing written otherwise', async () => {
    const created = await call('POST', '/api/proposals', draft(unique('im')));
    const { id } = proposal(created);
    const stale = created.headers.get('etag') as string;
    await call('PATCH', `/api/proposals/${id}`, { amountCents: 7 });
    const refused = await call('PATCH', `/api/proposals/${id}`, { amountCents: 9 }, { 'If-Match': stale });
    expect(refused.status).toBe(412);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'precondition_failed' } });
    expect(proposal(await call('GET', `/api/proposals/${id}`)).amountCents).toBe(7);
    expect((await call('PATCH', `/api/proposals/${id}`, { amountCents: 9 }, { 'If-Match': '*' })).status).toBe(200);
  });

  it('should let exactly one of ten PATCHes with the same If-Match win', async () => {
    const created = await call('POST', '/api/proposals', draft(unique('im10')));
    const { id } = proposal(created);
    const etag = created.headers.get('etag') as string;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('PATCH', `/api/proposals/${id}`, { amountCents: i }, { 'If-Match': etag }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(412)]);
  });

  it('should never move updatedAt backwards, in 50 concurrent updates', async () => {
    const created = await call('POST', '/api/proposals', draft(unique('clock')));
    const { id } = proposal(created);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call('PATCH', `/api/proposals/${id}`, { amountCents: i })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const byVersion = answers
      .map((a) => ({ version: Number(a.headers.get('etag')?.replace(/\D/g, '')), updatedAt: proposal(a).updatedAt }))
      .sort((a, b) => a.version - b.version);
    expect(byVersion.map((a) => a.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const times = byVersion.map((a) => a.updatedAt);
    // ISO 8601 in UTC sorts as time: in version order, no time is earlier than the one before.
    expect(times).toEqual([...times].sort());
  });
});
