/** A snapshot of one function instance's pool. Reading it costs a few property reads. */
export interface PoolMetrics {
  /** Connections checked out by callers right now. */
  active: number;
  /** Open connections waiting for a caller. */
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
  /** Open connections (active + idle + opening). */
  total: number;
  /** `DB_POOL_MAX`. */
  max: number;
  /** Counters since the pool was created. */
  connectionsOpened: number;
  queueTimeouts: number;
  connectionErrors: number;
}

export interface PoolCounters {
  connectionsOpened: number;
  queueTimeouts: number;
  connectionErrors: number;
}
