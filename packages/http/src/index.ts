export { withApiHeaders } from './api-headers.ts';
export type { ErrorBody } from './error-response.ts';
export { errorResponse, statusOf } from './error-response.ts';
export type { ValidationDetail } from './http-errors.ts';
export {
  ConflictError,
  HttpError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  MethodNotAllowedError,
  MisconfiguredError,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  ValidationError,
} from './http-errors.ts';
export { parse, readJsonBody, resourceId } from './request.ts';
