-- Forward-only (Netlify Database applies migrations in name order, each once, in a transaction).
create table proposals (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 1 and 200),
  client_name text not null check (char_length(client_name) between 1 and 200),
  status text not null default 'draft'
    check (status in ('draft', 'sent', 'accepted', 'declined', 'archived')),
  amount_cents integer not null check (amount_cents >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Newest first, with id as the tie-breaker of the keyset cursor; one index per list query.
create index proposals_created_idx on proposals (created_at desc, id desc);
create index proposals_status_created_idx on proposals (status, created_at desc, id desc);
