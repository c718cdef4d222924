import { createHash } from 'node:crypto';
import type { Database, Queryable } from '@app/db';
import { QueryTimeoutError, toDatabaseError } from '@app/db';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, ValidationError } from '@app/http';

/**
 * `Idempotency-Key` on writes (the IETF httpapi draft; Stripe's keys): the first request with a key
 * runs, and its answer is stored with the key in the same transaction as its write; a retry gets
 * that answer again, and writes nothing. docs/api.md#retries-and-races.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** A write's key, its caller and what it asked for: hashes only, never the credential. */
export interface IdempotentRequest {
  /** A hash of the caller's credential: each caller has keys of its own. */
  scope: string;
  key: string;
  /** A hash of method, path and query, body and caller: the same key for another request is a 422. */
  fingerprint: string;
}

/** What a write answered, as it is stored with its key and replayed to a retry. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface StoredRow extends Record<string, unknown> {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The request's key, or undefined without the header. The draft's structured-field form is a
 * quoted string (`"abc"`); Stripe's clients send it bare (`abc`): both are accepted.
 */
export function idempotencyKeyOf(request: Request): string | undefined {
  const raw = request.headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return undefined;
  const trimmed = raw.trim();
  const key = /^"(?:[^"\\]|\\["\\])*"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/\\(["\\])/g, '$1') : trimmed;
  if (!/^[\x20-\x7E]{1,255}$/.test(key)) {
    throw new ValidationError([
      { path: IDEMPOTENCY_HEADER, message: `${IDEMPOTENCY_HEADER} must be 1 to 255 printable ASCII characters` },
    ]);
  }
  return key;
}

/** The key with its caller and fingerprint; `body` is the parsed JSON body (whitespace does not count). */
export function idempotentRequest(request: Request, key: string, credential: string, body: unknown): IdempotentRequest {
  const scope = sha256(`credential:${credential}`);
  const { pathname, search } = new URL(request.url);
  const fingerprint = sha256(JSON.stringify([request.method, `${pathname}${search}`, scope, body]));
  return { scope, key, fingerprint };
}

/**
 * Claims the key: a new row — or an expired one taken over — for this transaction. Up to 20 other
 * expired keys are deleted on the way (no job of their own). A key another transaction holds is
 * waited for (its answer is then replayed), up to the server's lock_timeout.
 */
const claimSql = `
  with swept as (
    delete from idempotency_keys where (scope, key) in (
      select scope, key from idempotency_keys
      where expires_at < now() and not (scope = $1 and key = $2)
      limit 20 for update skip locked)
  )
  insert into idempotency_keys (scope, key, fingerprint, status, headers, body, expires_at)
  values ($1, $2, $3, 0, '{}', '', now() + make_interval(hours => $4))
  on conflict (scope, key) do update
    set fingerprint = excluded.fingerprint, status = 0, headers = '{}', body = '',
        created_at = now(), expires_at = excluded.expires_at
    where idempotency_keys.expires_at < now()
  returning 1 as claimed`;

async function claim(tx: Queryable, request: IdempotentRequest, ttlHours: number): Promise<boolean> {
  try {
    const rows = await tx.query(claimSql, [request.scope, request.key, request.fingerprint, ttlHours]);
    return rows.length > 0;
  } catch (error) {
    // A transaction's statements throw the driver's errors; named, a lock wait past the limit is ours.
    const named = toDatabaseError(error);
    if (named instanceof QueryTimeoutError && named.reason === 'lock_timeout') {
      throw new IdempotencyKeyInUseError(
        'A request with this Idempotency-Key is still running; retry shortly for its answer',
      );
    }
    throw named;
  }
}

/**
 * Runs `write` once per key: in one transaction, the key is claimed, the write runs and its answer
 * is stored; a later request with the key gets the stored answer (`replayed`), or a 422 when it
 * asks for something else. A write that fails rolls its key back with it: nothing was written, so
 * a retry runs afresh.
 */
export function runIdempotent(
  db: Database,
  request: IdempotentRequest,
  ttlHours: number,
  write: (tx: Queryable) => Promise<StoredAnswer>,
): Promise<{ answer: StoredAnswer; replayed: boolean }> {
  return db.transaction(async (tx) => {
    if (!(await claim(tx, request, ttlHours))) {
      const [stored] = await tx.query<StoredRow>(
        'select fingerprint, status, headers, body from idempotency_keys where scope = $1 and key = $2',
        [request.scope, request.key],
      );
      // Gone since the claim (expired and swept by another write): as good as still running.
      if (stored === undefined) throw new IdempotencyKeyInUseError('The Idempotency-Key is being reused; retry');
      if (stored.fingerprint !== request.fingerprint) {
        throw new IdempotencyKeyReusedError(
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      }
      return { answer: { status: stored.status, headers: stored.headers, body: stored.body }, replayed: true };
    }
    const answer = await write(tx);
    await tx.query('update idempotency_keys set status = $3, headers = $4, body = $5 where scope = $1 and key = $2', [
      request.scope,
      request.key,
      answer.status,
      JSON.stringify(answer.headers),
      answer.body,
    ]);
    return { answer, replayed: false };
  });
}

/** The Response for an answer, marked when it is a replay. */
export function toResponse({ answer, replayed }: { answer: StoredAnswer; replayed: boolean }): Response {
  const headers = new Headers(answer.headers);
  if (replayed) headers.set('Idempotent-Replayed', 'true');
  return new Response(answer.body, { status: answer.status, headers });
}
