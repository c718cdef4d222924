import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';

const token = 'test-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

interface Proposal {
  id: string;
  title: string;
  clientName: string;
  status: string;
  amountCents: number;
  createdAt: string;
  updatedAt: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await useTestDatabase();
});
afterAll(() => testDb?.close());

/** A fingerprint of the whole table: equal before and after means nothing was written. */
async function tableFingerprint(): Promise<string> {
  const [row] = await testDb.admin.query<{ fingerprint: string | null }>(
    `select md5(coalesce(string_agg(id::text || status || title || client_name || amount_cents || updated_at::text, ',' order by id), '')) as fingerprint from proposals`,
  );
  return row?.fingerprint ?? '';
}

function client(app: DevServer) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };
}

describe('proposals API through pnpm dev (archiving off)', () => {
  let app: DevServer;
  let call: ReturnType<typeof client>;
  const title = `Website redesign ${Date.now()}`;
  beforeAll(async () => {
    app = await startDevServer({
      DATABASE_URL: inject('databaseUrl'),
      API_TOKEN: token,
      FEATURE_PROPOSAL_ARCHIVE_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });
    call = client(app);
  });
  afterAll(() => app?.stop());

  it('should create, read, list and update a proposal', async () => {
    const created = await call('POST', '/api/proposals', { title, clientName: 'ACME', amountCents: 150_000 });
    expect(created.status).toBe(201);
    const proposal = created.json as Proposal;
    expect(proposal).toMatchObject({ title, clientName: 'ACME', amountCents: 150_000, status: 'draft' });
    expect(proposal.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.get('location')).toBe(`/api/proposals/${proposal.id}`);

    const read = await call('GET', `/api/proposals/${proposal.id}`, undefined, {});
    expect(read).toMatchObject({ status: 200, json: proposal });
    const viaFunctionsPath = await call('GET', `/.netlify/functions/proposals/${proposal.id}`, undefined, {});
    expect(viaFunctionsPath.json).toEqual(proposal);

    const list = await call('GET', '/api/proposals?limit=5', undefined, {});
    expect((list.json as { data: Proposal[] }).data[0]).toEqual(proposal);

    const updated = await call('PATCH', `/api/proposals/${proposal.id}`, { title: `${title} v2`, status: 'sent' });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ id: proposal.id, title: `${title} v2`, status: 'sent', amountCents: 150_000 });
    expect(Date.parse((updated.json as Proposal).updatedAt)).toBeGreaterThan(Date.parse(proposal.updatedAt));

    const accepted = await call('PATCH', `/api/proposals/${proposal.id}`, { status: 'accepted' });
    expect(accepted.json).toMatchObject({ status: 'accepted' });
  });

  it('should page newest first with a cursor and filter by status', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const created = await call('POST', '/api/proposals', {
        title: `page ${n}`,
        clientName: 'Pager',
        amountCents: n,
        status: 'sent',
      });
      ids.push((created.json as Proposal).id);
    }
    const first = (await call('GET', '/api/proposals?limit=2', undefined, {})).json as {
      data: Proposal[];
      nextCursor: string;
    };
    expect(first.data.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    const second = (await call('GET', `/api/proposals?limit=2&cursor=${first.nextCursor}`, undefined, {})).json as {
      data: Proposal[];
    };
    expect(second.data[0]?.id).toBe(ids[0]);

    const sent = (await call('GET', '/api/proposals?status=sent&limit=100', undefined, {})).json as {
      data: Proposal[];
    };
    expect(sent.data.every((p) => p.status === 'sent')).toBe(true);
    expect(sent.data.map((p) => p.id)).toEqual(expect.arrayContaining(ids));
  });

  it.each([
    ['no token', { 'Content-Type': 'application/json' }],
    ['a wrong token', { Authorization: 'Bearer wrong-token-0123456789ab', 'Content-Type': 'application/json' }],
    ['a token of the wrong length', { Authorization: `Bearer ${token}x`, 'Content-Type': 'application/json' }],
  ])('should refuse a write with %s: 401, nothing written', async (_, headers) => {
    const before = await tableFingerprint();
    const response = await call('POST', '/api/proposals', { title: 'x', clientName: 'y', amountCents: 1 }, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.json).toEqual({ error: { code: 'unauthorized', message: 'A valid bearer token is required' } });
    expect(await tableFingerprint()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"title": "x",', [''], auth],
    ['a wrong type', { title: 'x', clientName: 'y', amountCents: '12' }, ['amountCents'], auth],
    ['an unknown field', { title: 'x', clientName: 'y', amountCents: 1, owner: 'z' }, ['owner'], auth],
    ['an over-long title', { title: 'x'.repeat(201), clientName: 'y', amountCents: 1 }, ['title'], auth],
    ['missing fields', { title: 'x' }, ['clientName', 'amountCents'], auth],
    ['a negative amount', { title: 'x', clientName: 'y', amountCents: -1 }, ['amountCents'], auth],
    ['an unknown status', { title: 'x', clientName: 'y', amountCents: 1, status: 'won' }, ['status'], auth],
    ['a body over 16 KiB', { title: 'x', clientName: 'y', amountCents: 1, pad: 'p'.repeat(17_000) }, [''], auth],
    [
      'no JSON content type',
      { title: 'x', clientName: 'y', amountCents: 1 },
      [''],
      { Authorization: `Bearer ${token}` },
    ],
    [
      'a new proposal already archived',
      { title: 'x', clientName: 'y', amountCents: 1, status: 'archived' },
      ['status'],
      auth,
    ],
    [
      'a new proposal already accepted',
      { title: 'x', clientName: 'y', amountCents: 1, status: 'accepted' },
      ['status'],
      auth,
    ],
    ['a lone surrogate in the title', { title: 'x \uD800', clientName: 'y', amountCents: 1 }, ['title'], auth],
    ['an invisible client name', { title: 'x', clientName: '\u200B\u2060', amountCents: 1 }, ['clientName'], auth],
    ['a direction override in the title', { title: '\u202E', clientName: 'y', amountCents: 1 }, ['title'], auth],
  ])('should answer a POST with %s: 400 with details, nothing written', async (_, body, paths, headers) => {
    const before = await tableFingerprint();
    const response = await call('POST', '/api/proposals', body, headers);
    expect(response.status).toBe(400);
    const error = (response.json as ErrorBody).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((d) => d.path).sort()).toEqual([...paths].sort());
    expect(error.details?.every((d) => d.message.length > 0)).toBe(true);
    expect(await tableFingerprint()).toBe(before);
  });

  it('should answer an illegal status change with 409 and change nothing', async () => {
    const created = (await call('POST', '/api/proposals', { title: 'final', clientName: 'z', amountCents: 5 }))
      .json as Proposal;
    await call('PATCH', `/api/proposals/${created.id}`, { status: 'sent' });
    await call('PATCH', `/api/proposals/${created.id}`, { status: 'accepted' });
    const before = await tableFingerprint();
    const response = await call('PATCH', `/api/proposals/${created.id}`, { status: 'draft', title: 'sneaky' });
    expect(response.status).toBe(409);
    expect((response.json as ErrorBody).error).toEqual({
      code: 'conflict',
      message: 'A proposal cannot go from accepted to draft',
    });
    expect(await tableFingerprint()).toBe(before);
  });

  it('should answer 400 for an empty or invalid PATCH and 404 for an unknown id', async () => {
    const created = (await call('POST', '/api/proposals', { title: 'p', clientName: 'z', amountCents: 5 }))
      .json as Proposal;
    const before = await tableFingerprint();
    expect((await call('PATCH', `/api/proposals/${created.id}`, {})).status).toBe(400);
    expect((await call('PATCH', `/api/proposals/${created.id}`, { title: '' })).status).toBe(400);
    const unknown = await call('PATCH', '/api/proposals/00000000-0000-4000-8000-000000000000', { title: 'x' });
    expect(unknown.status).toBe(404);
    expect((await call('GET', '/api/proposals/00000000-0000-4000-8000-000000000000', undefined, {})).json).toEqual({
      error: { code: 'not_found', message: 'Proposal not found' },
    });
    expect((await call('GET', '/api/proposals/not-a-uuid', undefined, {})).status).toBe(404);
    expect(await tableFingerprint()).toBe(before);
  });

  it('should validate list parameters and refuse other methods', async () => {
    for (const query of ['limit=101', 'limit=abc', 'limit=0', 'cursor=bogus', 'status=won', 'sort=asc']) {
      const response = await call('GET', `/api/proposals?${query}`, undefined, {});
      expect(response.status, query).toBe(400);
    }
    const response = await call('DELETE', '/api/proposals', undefined, {});
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('should answer HEAD on the collection and an item like GET, without a body', async () => {
    const created = (await call('POST', '/api/proposals', { title: 'head', clientName: 'h', amountCents: 1 }))
      .json as Proposal;
    for (const path of ['/api/proposals', `/api/proposals/${created.id}`]) {
      const response = await call('HEAD', path, undefined, {});
      expect(response.status, path).toBe(200);
      expect(response.json, path).toBeUndefined();
    }
  });

  it('should mark every answer nosniff and not cacheable, errors included', async () => {
    for (const [method, path] of [
      ['GET', '/api/proposals'],
      ['GET', '/api/proposals/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/api/proposals'],
      ['GET', '/api/health'],
    ] as const) {
      const response = await call(method, path, undefined, {});
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('should accept the bearer scheme in any case', async () => {
    const headers = { Authorization: `bEaReR ${token}`, 'Content-Type': 'application/json' };
    const response = await call('POST', '/api/proposals', { title: 'case', clientName: 'c', amountCents: 2 }, headers);
    expect(response.status).toBe(201);
  });

  it('should refuse a 100 MB body sent without Content-Length with 413, before netlify dev sees it', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 100 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const before = await tableFingerprint();
    const response = await fetch(`${app.baseUrl}/api/proposals`, {
      method: 'POST',
      headers: auth,
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await tableFingerprint()).toBe(before);
    expect((await call('GET', '/api/health', undefined, {})).status).toBe(200);
  });
});

describe('proposals API through pnpm dev (archiving on, the dev default)', () => {
  let app: DevServer;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), API_TOKEN: token, LOG_LEVEL: 'warn' });
    call = client(app);
  });
  afterAll(() => app?.stop());

  it('should archive, and then refuse to leave archived with 409', async () => {
    const created = (await call('POST', '/api/proposals', { title: 'old', clientName: 'z', amountCents: 5 }))
      .json as Proposal;
    const archived = await call('PATCH', `/api/proposals/${created.id}`, { status: 'archived' });
    expect(archived).toMatchObject({ status: 200, json: { status: 'archived' } });
    const back = await call('PATCH', `/api/proposals/${created.id}`, { status: 'draft' });
    expect(back.status).toBe(409);
    for (const change of [{ title: 'edited' }, { amountCents: 1 }, { status: 'archived' }]) {
      const edited = await call('PATCH', `/api/proposals/${created.id}`, change);
      expect(edited).toMatchObject({
        status: 409,
        json: { error: { code: 'conflict', message: 'An archived proposal cannot be changed' } },
      });
    }
    const stored = (await call('GET', `/api/proposals/${created.id}`)).json as Proposal;
    expect(stored).toMatchObject({ title: 'old', amountCents: 5, status: 'archived' });
  });
});
