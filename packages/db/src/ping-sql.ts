/**
 * Health's one round trip. The server's `statement_timeout` for this app's statements — the
 * setting reads as '5s', '500ms' or '0' — tells whether the server-side limit reaches them through
 * this path (pooler included). The connection counts are the server's view: each function instance
 * has a pool of its own, so only the server sees the whole app; `application_name` is the one this
 * pool sets (`app-functions` by default), and only this database counts (previews and production
 * may share one server). `pnpm bench` times health against this same statement.
 */
export const pingSql = `select
  (extract(epoch from current_setting('statement_timeout')::interval) * 1000)::int as statement_timeout_ms,
  count(*) filter (where application_name = current_setting('application_name') and datname = current_database())::int as app,
  count(*)::int as total,
  current_setting('max_connections')::int as max
from pg_stat_activity where backend_type = 'client backend'`;
