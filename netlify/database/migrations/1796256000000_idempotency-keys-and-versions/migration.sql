-- Writes that survive retries and races (docs/api.md#retries-and-races).

-- A proposal's version: 1 when created, one more with every write. The ETag is built on it, so it
-- only moves forward — unlike updated_at, a clock, which two writes can set out of order.
alter table proposals add column version bigint not null default 1;

-- One row per Idempotency-Key a caller used, written in the same transaction as the write it
-- guards, with the response that write produced. A key is the caller's own: `scope` is a hash of
-- the caller's credential (never the credential), `fingerprint` a hash of the request (method,
-- path, body, credential). `expires_at` passed, the key may be used again; expired rows are
-- deleted a few at a time by the writes that add keys, so no job of their own is needed.
create table idempotency_keys (
  scope text not null,
  key text not null check (char_length(key) between 1 and 255),
  fingerprint text not null,
  status integer not null,
  headers jsonb not null,
  body text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (scope, key)
);
create index idempotency_keys_expires_idx on idempotency_keys (expires_at);
