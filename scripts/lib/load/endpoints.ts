/** What the load generator sends for one endpoint; `ids` are proposals seeded before the run. */
export interface EndpointRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: string;
}

export type EndpointName = 'health' | 'list' | 'get' | 'create' | 'update';

const pick = (ids: readonly string[]) => ids[Math.floor(Math.random() * ids.length)] ?? '';

/** Each endpoint builds a fresh request per call, so reads and writes spread over the seeded proposals. */
export const endpoints: Record<EndpointName, { write: boolean; next(ids: readonly string[]): EndpointRequest }> = {
  health: { write: false, next: () => ({ method: 'GET', path: '/api/health' }) },
  list: { write: false, next: () => ({ method: 'GET', path: '/api/proposals?limit=20' }) },
  get: { write: false, next: (ids) => ({ method: 'GET', path: `/api/proposals/${pick(ids)}` }) },
  create: {
    write: true,
    next: () => ({
      method: 'POST',
      path: '/api/proposals',
      body: JSON.stringify({ title: 'Load test proposal', clientName: 'Load', amountCents: 1000 }),
    }),
  },
  update: {
    write: true,
    next: (ids) => ({
      method: 'PATCH',
      path: `/api/proposals/${pick(ids)}`,
      body: JSON.stringify({ amountCents: Math.floor(Math.random() * 1_000_000) }),
    }),
  },
};

/**
 * Splits `connections` over endpoints by weight (largest remainder, at least one each): each
 * endpoint gets its own connections, so the request mix follows the weights as far as latencies
 * are alike.
 */
export function splitConnections(
  weights: Partial<Record<EndpointName, number>>,
  connections: number,
): [EndpointName, number][] {
  const entries = Object.entries(weights).filter(([, weight]) => (weight ?? 0) > 0) as [EndpointName, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const shares = entries.map(([name, weight]) => {
    const exact = (weight / total) * Math.max(connections, entries.length);
    return { name, count: Math.max(1, Math.floor(exact)), remainder: exact - Math.floor(exact) };
  });
  let left = Math.max(connections, entries.length) - shares.reduce((sum, share) => sum + share.count, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder)) {
    if (left <= 0) break;
    share.count += 1;
    left -= 1;
  }
  return shares.map((share) => [share.name, share.count]);
}
