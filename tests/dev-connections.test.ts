import { APPLICATION_NAME } from '@app/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestDatabase } from './support/database.ts';
import { useTestDatabase } from './support/database.ts';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';

const CLIENTS = 15;
const DURATION_MS = 15_000;

/**
 * netlify dev re-imports every function per request (docs/platform.md#netlify-dev-workers), so each request builds a new pool.
 * Connections must still stay bounded under load and drain once it stops.
 */
describe('PostgreSQL connections under 15 clients through pnpm dev', () => {
  let testDb: TestDatabase;
  let app: DevServer;
  beforeAll(async () => {
    testDb = await useTestDatabase();
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await app?.stop();
    await testDb?.close();
  });

  it('should stay bounded, fail no request, and fall back to zero after the load', async () => {
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await testDb.countConnections(APPLICATION_NAME));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const statuses = new Map<number, number>();
    const deadline = Date.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < deadline) {
          const response = await fetch(`${app.baseUrl}/api/health`);
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    sampling = false;
    await sampler;

    const drainStarted = Date.now();
    let remaining = await testDb.countConnections(APPLICATION_NAME);
    while (remaining > 0 && Date.now() - drainStarted < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      remaining = await testDb.countConnections(APPLICATION_NAME);
    }
    const drainMs = Date.now() - drainStarted;
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `requests ${total} (${JSON.stringify(Object.fromEntries(statuses))}), peak connections ${Math.max(...samples)}, drained in ${drainMs} ms`,
    );

    expect(statuses.get(200)).toBe(total);
    expect(total).toBeGreaterThan(CLIENTS);
    // At most one connection per request in flight; a finished request's closes within 200 ms.
    expect(Math.max(...samples)).toBeLessThanOrEqual(2 * CLIENTS);
    expect(remaining).toBe(0);
    expect(drainMs).toBeLessThan(5_000);
  });
});
