export type { Database, DatabaseOptions, Queryable, Row } from './database.ts';
export { APPLICATION_NAME, createDatabase } from './database.ts';
export type { DatabaseEnv } from './default-database.ts';
export { getDatabase } from './default-database.ts';
export { configureDriver, isLocalDatabase } from './driver-config.ts';
export {
  DatabaseQueryError,
  DatabaseUnavailableError,
  PoolTimeoutError,
  QueryTimeoutError,
  toDatabaseError,
} from './errors.ts';
export type { PoolMetrics } from './metrics.ts';
export type { PingResult, ServerConnections } from './ping.ts';
export { pingDatabase } from './ping.ts';
export { pingSql } from './ping-sql.ts';
