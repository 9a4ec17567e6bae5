// application/problem+json for every error (RFC 9457), never a stack trace or SQL: the
// problem, the exception that carries one, and the validation errors flattened. Which error
// becomes which problem is the application's (src/problem-filter.ts): it knows the event
// store's and the database's errors, which common/ does not import.
import { HttpException, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../shared/domain-error.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** The title of each status a problem answers with. */
export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, errors?: FieldError[], type?: string): Problem {
  return {
    type: type ?? `https://klaster-ledger.pl/problems/${String(status)}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export class ProblemException extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem, problem.status);
  }

  static validation(errors: FieldError[], detail = 'The request is not valid'): ProblemException {
    return new ProblemException(problem(400, detail, errors));
  }
}

/** Flattens class-validator's nested errors into [{ field: 'a.b[0].c', reason }]. */
/** 404: the resource is unknown, or the caller may not know it exists (another cluster's, another member's). */
export function notFound(what = 'The resource was not found'): ProblemException {
  return new ProblemException(problem(404, what));
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    for (const reason of Object.values(error.constraints ?? {})) result.push({ field, reason });
    if (error.children?.length) result.push(...flattenValidationErrors(error.children, field));
  }
  return result;
}
