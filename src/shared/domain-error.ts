// Errors the domain raises; the HTTP layer maps them to problem+json (400, 404, 409).
export interface FieldError {
  field: string;
  reason: string;
  /** For a rejected file: the 1-based line the error is on. */
  line?: number;
  /** For a rejected file: how many lines fail for this reason (said once), up to lastLine. */
  count?: number;
  lastLine?: number;
}

export type DomainErrorCode = 'validation' | 'not_found' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  static validation(errors: FieldError[], message = 'The request is not valid'): DomainError {
    return new DomainError('validation', message, errors);
  }

  static notFound(message: string): DomainError {
    return new DomainError('not_found', message);
  }

  static conflict(message: string): DomainError {
    return new DomainError('conflict', message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  const e = error as { code?: unknown; errors?: unknown } | null;
  return error instanceof Error && e !== null && ['validation', 'not_found', 'conflict'].includes(e.code as string) && (e.errors === undefined || Array.isArray(e.errors));
}
