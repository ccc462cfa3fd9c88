// The error catalogue: every error the API answers, with its stable code and HTTP status.
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_code'
  | 'not_found'
  | 'conflict'
  /** 409: a check-in at this shop on this campaign day was made before */
  | 'already_checked_in'
  /** 409: a draw with no draw chance left */
  | 'no_chances'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Readonly<Record<ErrorCode, string>> = {
  invalid_request: '400 Bad Request',
  unauthorized: '401 Unauthorized',
  forbidden: '403 Forbidden',
  invalid_code: '404 Not Found',
  not_found: '404 Not Found',
  conflict: '409 Conflict',
  already_checked_in: '409 Conflict',
  no_chances: '409 Conflict',
  payload_too_large: '413 Payload Too Large',
  unsupported_media_type: '415 Unsupported Media Type',
  rate_limited: '429 Too Many Requests',
  unavailable: '503 Service Unavailable',
  internal: '500 Internal Server Error',
};

export class ApiError extends Error {
  /** `retryAfterS`: sent as Retry-After (429) */
  constructor(readonly code: ErrorCode, message: string, readonly retryAfterS: number | null = null) {
    // an answer, not a bug: no stack trace (capturing one cost more than the rest of a forged scan's
    // answer, and one scan in twenty is forged in the bench mix)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
  get status(): string {
    return STATUS[this.code];
  }
  toJSON(): string {
    return JSON.stringify({ error: { code: this.code, message: this.message } });
  }
}

export const badRequest = (field: string, why: string): ApiError => new ApiError('invalid_request', `${field}: ${why}`);
export const notFound = (what: string): ApiError => new ApiError('not_found', `${what} not found`);
export const conflict = (why: string): ApiError => new ApiError('conflict', why);
export const unavailable = (why: string): ApiError => new ApiError('unavailable', why);
export const invalidCode = (): ApiError => new ApiError('invalid_code', 'not a valid code');
export const unauthorized = (why: string): ApiError => new ApiError('unauthorized', why);
export const forbidden = (why: string): ApiError => new ApiError('forbidden', why);
