// The OpenAI error shape, shared by HTTP responses and data-channel `error` events.

export interface ApiError {
  type: string; // invalid_request_error | server_error | rate_limit_error …
  code: string | null;
  message: string;
  param: string | null;
}

export class ApiErrorException extends Error {
  constructor(public readonly error: ApiError) {
    super(error.message);
  }
}

export function invalid(code: string, message: string, param: string | null = null): ApiErrorException {
  return new ApiErrorException({ type: 'invalid_request_error', code, message, param });
}

export const BETA_MESSAGE = 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.';

export function betaDisabled(param: string | null = null): ApiErrorException {
  return invalid('beta_api_shape_disabled', BETA_MESSAGE, param);
}
