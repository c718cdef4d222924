import { z } from 'zod';

const status = z.enum(['pass', 'warn', 'fail']);

/** What every connection-count check has: its counts are added per check. */
const connectionCheck = {
  componentType: z.literal('datastore'),
  observedValue: z.number().int().nonnegative(),
  observedUnit: z.literal('connections'),
  status,
  time: z.iso.datetime(),
  total: z.number().int().nonnegative(),
};

/** draft-inadarei-api-health-check, with the checks this API promises. Strict: no extra fields. */
export const healthBody = z.strictObject({
  status,
  version: z.string(),
  releaseId: z.string(),
  description: z.string(),
  regions: z.strictObject({ function: z.string(), database: z.string(), output: z.string().optional() }),
  checks: z.strictObject({
    'database:responseTime': z.tuple([
      z.strictObject({
        componentType: z.literal('datastore'),
        observedValue: z.number().nonnegative(),
        observedUnit: z.literal('ms'),
        status,
        time: z.iso.datetime(),
        statementTimeoutMs: z.number().int().nonnegative().optional(),
        output: z.string().optional(),
      }),
    ]),
    'database:connections': z.tuple([
      z.strictObject({
        ...connectionCheck,
        active: z.number().int().nonnegative(),
        idle: z.number().int().nonnegative(),
        waiting: z.number().int().nonnegative(),
        max: z.number().int().nonnegative(),
      }),
    ]),
    'database:serverConnections': z
      .tuple([z.strictObject({ ...connectionCheck, max: z.number().int().positive() })])
      .optional(),
  }),
});
