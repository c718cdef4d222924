import type { Database, Queryable } from '@app/db';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '@app/http';
import { etagOf, ifMatchHolds } from './conditional.ts';
import type { CreateProposal, ListProposals, UpdateProposal } from './schema.ts';
import type { ProposalStatus } from './transitions.ts';
import { refusalOf } from './transitions.ts';

export interface Proposal {
  id: string;
  title: string;
  clientName: string;
  status: ProposalStatus;
  amountCents: number;
  createdAt: string;
  updatedAt: string;
}

interface ProposalRow {
  id: string;
  title: string;
  client_name: string;
  status: ProposalStatus;
  amount_cents: number;
  created_at: Date;
  updated_at: Date;
  /** bigint: the driver hands it over as a string. */
  version: string;
  [column: string]: unknown;
}

/** A proposal and the ETag of its current version. */
export interface Versioned {
  proposal: Proposal;
  etag: string;
}

const columns = 'id, title, client_name, status, amount_cents, created_at, updated_at, version';

const toProposal = (row: ProposalRow): Proposal => ({
  id: row.id,
  title: row.title,
  clientName: row.client_name,
  status: row.status,
  amountCents: row.amount_cents,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const toVersioned = (row: ProposalRow): Versioned => ({ proposal: toProposal(row), etag: etagOf(row.version) });

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Year 0000 is valid ISO 8601 and a valid Date, but PostgreSQL has no year 0.
const isIsoTimestamp = (value: string) =>
  /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && new Date(value).toISOString() === value;

/** Opaque keyset cursor: the last row's (created_at, id), so pages stay stable while rows are added. */
function encodeCursor(row: ProposalRow): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  // Only what encodeCursor writes: JavaScript's Date accepts strings PostgreSQL refuses ("1",
  // "2020-02-30"), so the timestamp must be an exact toISOString() round trip of years 1–9999.
  if (rest.length > 0 || !uuid.test(id) || !isIsoTimestamp(createdAt)) {
    throw new ValidationError([{ path: 'cursor', message: 'cursor is not valid' }]);
  }
  return { createdAt, id };
}

export async function listProposals(db: Database, { status, limit, cursor }: ListProposals) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (status !== undefined) {
    params.push(status);
    where.push(`status = $${params.length}`);
  }
  if (cursor !== undefined) {
    const after = decodeCursor(cursor);
    params.push(after.createdAt, after.id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(limit + 1);
  const rows = await db.query<ProposalRow>(
    `select ${columns} from proposals ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by created_at desc, id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(toProposal), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

async function getRow(db: Queryable, id: string, { forUpdate = false } = {}): Promise<ProposalRow> {
  if (!uuid.test(id)) throw new NotFoundError('Proposal not found');
  const [row] = await db.query<ProposalRow>(
    `select ${columns} from proposals where id = $1${forUpdate ? ' for update' : ''}`,
    [id],
  );
  if (row === undefined) throw new NotFoundError('Proposal not found');
  return row;
}

export async function getProposal(db: Queryable, id: string): Promise<Versioned> {
  return toVersioned(await getRow(db, id));
}

/** Inserts a proposal, inside the caller's transaction (with its Idempotency-Key, when it has one). */
export async function insertProposal(tx: Queryable, input: CreateProposal): Promise<Versioned> {
  const [row] = await tx.query<ProposalRow>(
    `insert into proposals (title, client_name, amount_cents, status)
     values ($1, $2, $3, $4) returning ${columns}`,
    [input.title, input.clientName, input.amountCents, input.status ?? 'draft'],
  );
  return toVersioned(row as ProposalRow);
}

/**
 * Applies a partial update inside the caller's transaction. Under the row lock: `If-Match` (412),
 * then the state machine (409). The version moves one forward; `updated_at` is the time of this
 * statement, never earlier than the stored one — `now()` is the transaction's start, which for a
 * write that waited on the lock is older than the write it waited for.
 */
export async function updateProposal(
  tx: Queryable,
  id: string,
  changes: UpdateProposal,
  ifMatch: string | null,
): Promise<Versioned> {
  const current = await getRow(tx, id, { forUpdate: true });
  if (!ifMatchHolds(ifMatch, etagOf(current.version))) {
    throw new PreconditionFailedError('The proposal has changed since that version (If-Match); read it again');
  }
  const refusal = refusalOf(current.status, changes);
  if (refusal !== undefined) throw new ConflictError(refusal);
  const [row] = await tx.query<ProposalRow>(
    `update proposals set
       title = coalesce($2, title),
       client_name = coalesce($3, client_name),
       amount_cents = coalesce($4, amount_cents),
       status = coalesce($5, status),
       updated_at = greatest(clock_timestamp(), updated_at),
       version = version + 1
     where id = $1 returning ${columns}`,
    [id, changes.title ?? null, changes.clientName ?? null, changes.amountCents ?? null, changes.status ?? null],
  );
  return toVersioned(row as ProposalRow);
}
