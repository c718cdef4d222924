import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.ts';
import { rawRequest } from '../support/raw-request.ts';
import { functionStats, token, useServeBehindPausableDatabase } from '../support/serve.ts';
import { waitFor } from '../support/wait-for.ts';

/** Writes that survive the worst retry: the instance dies after its COMMIT, before it answers. */
export function describeRetries(testDatabase: () => TestDatabase): void {
  describe('a write whose instance dies after COMMIT, before answering', () => {
    const served = useServeBehindPausableDatabase(testDatabase);

    it('should give the retry with the same Idempotency-Key the original answer, and write once', async () => {
      const title = `killed-instance-${Date.now()}`;
      const rows = async () =>
        (
          await testDatabase().admin.query<{ n: number }>('select count(*)::int as n from proposals where title = $1', [
            title,
          ])
        )[0]?.n;
      const post = () =>
        rawRequest(served.server.baseUrl, {
          method: 'POST',
          path: '/api/proposals',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': title },
          body: JSON.stringify({ title, clientName: 'Killed', amountCents: 100 }),
        });
      const committed = served.database.holdRepliesAfter(/COMMIT/);
      const first = post();
      await committed; // the server has the COMMIT; its answer is held back
      const busy = (await functionStats(served.server, 'proposals')).instances.find((i) => i.state === 'busy');
      process.kill(busy?.pid as number, 'SIGKILL');
      expect((await first).status).toBe(502);
      served.database.releaseReplies();
      await waitFor(rows, (n) => n === 1, 'the killed write to be committed');

      const retry = await post();
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(JSON.parse(retry.body)).toMatchObject({ title });
      expect(await rows()).toBe(1);
    });
  });
}
