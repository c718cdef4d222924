import type { Database, DatabaseOptions } from '@app/db';
import { createDatabase } from '@app/db';
import type { WsProxy } from '@app/stack/ws-proxy';
import { startWsProxy } from '@app/stack/ws-proxy';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  wsProxy: string;
  /** A pool for the test's own checks, separate from the pools under test. */
  admin: Database;
  create(options?: Partial<DatabaseOptions>): Database;
  /** Connections PostgreSQL has open for one application_name. */
  countConnections(applicationName: string): Promise<number>;
  close(): Promise<void>;
}

/** The run's real PostgreSQL behind a WebSocket proxy of this file's own, as the Neon driver needs. */
export async function useTestDatabase(): Promise<TestDatabase> {
  const url = inject('databaseUrl');
  const proxy: WsProxy = await startWsProxy();
  const wsProxy = `127.0.0.1:${proxy.port}`;
  const created: Database[] = [];
  const create = (options: Partial<DatabaseOptions> = {}) => {
    const database = createDatabase({ connectionString: url, wsProxy, ...options });
    created.push(database);
    return database;
  };
  const admin = create({ max: 2, applicationName: 'test-admin' });
  return {
    url,
    wsProxy,
    admin,
    create,
    async countConnections(applicationName) {
      const rows = await admin.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()',
        [applicationName],
      );
      return rows[0]?.n ?? 0;
    },
    async close() {
      await Promise.allSettled(created.map((database) => database.end()));
      await proxy.close();
    },
  };
}
