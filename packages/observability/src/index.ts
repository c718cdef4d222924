export type { CaptureContext } from './capture.ts';
export { captureError, flushObservability } from './capture.ts';
export { newErrorId } from './error-id.ts';
export type { ErrorBody } from './error-response.ts';
export { errorResponse, statusOf } from './error-response.ts';
export type { ValidationDetail } from './http-errors.ts';
export {
  ConflictError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from './http-errors.ts';
export type { LogFields, LoggerSettings } from './logger.ts';
export { configureLogger, log } from './logger.ts';
export { REDACTED, redact, redactString } from './redact.ts';
export type { Breadcrumb, BreadcrumbLevel, RequestUser } from './request-scope.ts';
export { addBreadcrumb, setUser } from './request-scope.ts';
export type { FunctionContext, Handler } from './with-observability.ts';
export { withObservability } from './with-observability.ts';
