// Every error answered as application/problem+json (RFC 9457), never a stack trace or SQL:
// the mapping from the domain's, the event store's, the database's and Nest's errors to a
// problem, and the filter that sends it (or 202 when the request's events were recorded).
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { IdempotencyConflictError, WrongExpectedVersionError } from './event-store/event-store.port.js';
import { isDatabaseUnavailable } from './database/unavailable.js';
import { isDomainError } from './shared/domain-error.js';
import { type Problem, problem, ProblemException, TITLES } from './common/problem.js';
import { READ_MODEL_HEADER, recordedBody } from './common/recorded-answer.js';
import { requestOutcome } from './common/request-context.js';

/** A 400 always names what was wrong: a field, or the part of the request (path, body, request). */
function named(p: Problem): Problem {
  if (p.status !== 400 || (p.errors && p.errors.length > 0)) return p;
  const field = /decode param/i.test(p.detail) ? 'path' : /body|JSON|multipart|form/i.test(p.detail) ? 'body' : 'request';
  return { ...p, errors: [{ field, reason: p.detail }] };
}

export function toProblem(error: unknown): Problem {
  return named(describe(error));
}

function describe(error: unknown): Problem {
  if (error instanceof ProblemException) return error.problem;
  if (isDomainError(error)) {
    const status = error.code === 'validation' ? 400 : error.code === 'not_found' ? 404 : 409;
    return problem(status, error.message, error.errors);
  }
  if (error instanceof WrongExpectedVersionError) return problem(409, 'The resource was changed by another request; read it again and retry');
  if (error instanceof IdempotencyConflictError) return problem(409, 'These events were already recorded with different content');
  // body-parser errors carry a type (entity.too.large, entity.parse.failed); Nest wraps them
  const parserError = ((error as { cause?: unknown }).cause ?? error) as { type?: string };
  if (parserError.type === 'entity.too.large') return problem(413, 'The request body is larger than this endpoint accepts');
  if (parserError.type === 'entity.parse.failed') return problem(400, 'The request body is not valid JSON', [{ field: 'body', reason: 'malformed JSON' }]);
  if (isDatabaseUnavailable(error)) return problem(503, 'The database is not reachable; retry in a few seconds');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    return problem(status, Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : message === undefined || message === null ? error.message : JSON.stringify(message));
  }
  const http = error as { status?: number; statusCode?: number; expose?: boolean; message?: string };
  const status = http.status ?? http.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return problem(status, http.expose && http.message ? http.message : (TITLES[status] ?? 'Client error'));
  }
  return problem(500, 'An unexpected error occurred; it has been logged');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toProblem(error);
    const outcome = requestOutcome();
    if (body.status >= 500 && outcome && outcome.recorded.length > 0) {
      // the events are in the log: say so (202), never 5xx, whatever failed after the append
      this.logger.warn({ err: error, recorded: outcome.recorded.length }, 'request failed after its events were recorded; answering 202');
      if (response.headersSent) return;
      response.status(202).setHeader(READ_MODEL_HEADER, 'lagging');
      response.type('application/json').send(JSON.stringify(recordedBody(outcome)));
      return;
    }
    if (body.status === 503) this.logger.warn({ err: error }, 'database unavailable');
    else if (body.status >= 500) this.logger.error({ err: error }, 'request failed');
    if (response.headersSent) return;
    if (body.status === 503) response.setHeader('Retry-After', '5');
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
