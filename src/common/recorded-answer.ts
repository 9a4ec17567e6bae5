// A command whose events were appended answers 2xx, never 5xx: when the read models have not
// applied them within the wait (a projection lags or failed), the answer is 202 Accepted with
// `readModel: { status: 'lagging', projections }` and the header Read-Model-Status: lagging;
// when the answer cannot be completed at all after the append, 202 with what was recorded.
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { type RequestOutcome, requestOutcome } from './request-context.js';

export const READ_MODEL_HEADER = 'Read-Model-Status';

export function readModelField(outcome: RequestOutcome) {
  return { status: 'lagging' as const, projections: outcome.lagging ?? [] };
}

/** The body of a 202 for a request whose events were recorded but whose answer failed. */
export function recordedBody(outcome: RequestOutcome) {
  return {
    status: 'accepted',
    detail: 'The events were recorded; the read models have not applied them yet, so reads may not show them for a while',
    recorded: outcome.recorded,
    ...(outcome.recordedNotListed > 0 ? { recordedNotListed: outcome.recordedNotListed } : {}),
    readModel: readModelField(outcome),
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && Object.getPrototypeOf(value) === Object.prototype;

@Injectable()
export class RecordedAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // the portal answers with pages and redirects: it shows its own message
    if (request.method === 'GET' || request.path.startsWith('/portal')) return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const outcome = requestOutcome();
        if (!outcome?.lagging?.length || !isPlainObject(body)) return body;
        response.setHeader(READ_MODEL_HEADER, 'lagging');
        // Nest sets the route's status (201, @HttpCode) before the handler runs
        if (response.statusCode >= 200 && response.statusCode < 300) response.status(202);
        return { ...body, readModel: readModelField(outcome) };
      }),
    );
  }
}
