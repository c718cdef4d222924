export type { CaptureContext } from './capture.ts';
export { captureError, flushObservability } from './capture.ts';
export type { LogFields, LoggerSettings } from './logger.ts';
export { log } from './logger.ts';
export { REDACTED, redact, redactString } from './redact.ts';
export type { Breadcrumb, BreadcrumbLevel, RequestUser } from './request-scope.ts';
export { addBreadcrumb, setUser } from './request-scope.ts';
export type { AppHandler, FunctionContext, Handler, RequestContext } from './with-observability.ts';
export { withObservability } from './with-observability.ts';
