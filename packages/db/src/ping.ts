import type { Database } from './database.ts';

export interface PingResult {
  ok: boolean;
  /** Round trip of `select 1`, or the time until giving up. */
  responseTimeMs: number;
  /** Name of the error when not ok (never the driver's message). */
  errorName?: string;
}

/** Runs `select 1` and never takes longer than `timeoutMs`, even against a hung database. */
export async function pingDatabase(database: Database, timeoutMs = 2_000): Promise<PingResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PingResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, responseTimeMs: timeoutMs, errorName: 'HealthCheckTimeout' }),
      timeoutMs,
    );
  });
  const ping = database.query('select 1').then(
    () => ({ ok: true, responseTimeMs: performance.now() - started }),
    (error: unknown) => ({
      ok: false,
      responseTimeMs: performance.now() - started,
      errorName: error instanceof Error ? error.name : 'Error',
    }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
