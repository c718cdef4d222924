import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WASM (PGlite) behind a Postgres-protocol socket, for `pnpm dev` on a
 * machine with no database. Data lives in `dataDir`, so it survives restarts. Client connections
 * share one PGlite session (docs/platform.md#pglite-shared-session): fine for development, not for concurrency tests.
 */
export async function startEmbeddedPostgres({
  dataDir = '.data/pglite',
  port,
}: {
  dataDir?: string;
  /** A free port (freePort()): a fixed one collides with whatever else runs on the machine. */
  port: number;
}): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // Each netlify dev request opens its own connection (docs/platform.md#netlify-dev-workers): allow plenty at once.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 200 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
