/**
 * The closed catalogue of domain error codes. Services throw these; the HTTP edge, the pages and
 * the CLI map them (services are also called from the CLI, gateways and the standby, where HTTP
 * statuses mean nothing).
 */
export const errorCodes = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  account_locked: 423,
  too_many_requests: 429,
  /** A former hub after a standby was promoted: it serves reads, refuses writes. */
  superseded: 503,
  /** Something the request depends on (the exchange, a provider) cannot answer now: try again later. */
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function invalid(message: string, detail?: unknown): DomainError {
  return new DomainError('invalid_input', message, detail);
}

export function notFound(message: string, detail?: unknown): DomainError {
  return new DomainError('not_found', message, detail);
}

export function conflict(message: string, detail?: unknown): DomainError {
  return new DomainError('conflict', message, detail);
}

export function forbidden(message: string, detail?: unknown): DomainError {
  return new DomainError('forbidden', message, detail);
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code];
}
