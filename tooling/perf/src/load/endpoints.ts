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
