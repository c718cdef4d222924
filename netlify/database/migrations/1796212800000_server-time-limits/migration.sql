-- Time limits the server enforces on the role that runs the migrations — the app's role — in this
-- database only (previews and production may share a server; other roles, an operator's psql, keep
-- theirs). Role defaults apply to every new session, including each server connection a pooler
-- opens, so they hold through Neon's -pooler endpoint (PgBouncer in transaction mode), which
-- refuses these settings as start-up parameters and forbids session SETs. docs/database.md#time-limits.
--   statement_timeout                    5 s  = DB_STATEMENT_TIMEOUT_MS's default: /api/health reports
--                                             the value and warns when it is 0 or above that variable
--   lock_timeout                         2 s  a write waiting on a row someone else holds gives up
--                                             first (503 + Retry-After), before the statement limit
--   idle_in_transaction_session_timeout 10 s  a transaction whose client vanished (a frozen or killed
--                                             instance) ends on the server and releases its locks
-- A later migration that needs longer (an index on a big table) starts with
-- `set local statement_timeout = 0;`.
do $$
begin
  execute format('alter role %I in database %I set statement_timeout = %L', current_user, current_database(), '5s');
  execute format('alter role %I in database %I set lock_timeout = %L', current_user, current_database(), '2s');
  execute format('alter role %I in database %I set idle_in_transaction_session_timeout = %L',
    current_user, current_database(), '10s');
end
$$;
