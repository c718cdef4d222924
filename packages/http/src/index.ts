export { withApiHeaders } from './api-headers.ts';
export type { ErrorBody } from './error-response.ts';
export { errorResponse, statusOf } from './error-response.ts';
export type { ValidationDetail } from './http-errors.ts';
export {
  ConflictError,
  HttpError,
  MethodNotAllowedError,
  MisconfiguredError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from './http-errors.ts';
export { parse, readJsonBody, resourceId } from './request.ts';
