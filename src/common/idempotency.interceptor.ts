// Idempotency-Key on writes (docs/API.md): a repeat with the same key and body returns the
// first answer; the same key with another body is 409. Keys are scoped to the token.
// JSON writes only: a file upload is idempotent by its content already.
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { from, type Observable, of, switchMap } from 'rxjs';
import { PG_POOL } from '../core.module.js';
import { canonicalJson } from '../event-store/hash-chain.js';
import { problem, ProblemException } from './problem.js';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request & { principal?: { tokenId: string } }>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.header('idempotency-key');
    if (!key || request.method !== 'POST' || !request.is('application/json')) return next.handle();
    if (!KEY.test(key)) throw ProblemException.validation([{ field: 'Idempotency-Key', reason: 'must be 1 to 200 letters, digits or ._:-' }]);
    const tokenId = request.principal?.tokenId ?? null;
    const requestHash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`).digest('hex');
    return (async () => {
      const { rows } = await this.pool.query<{ request_hash: string; status: number; body: unknown }>(
        'SELECT request_hash, status, body FROM idempotency_keys WHERE key = $1 AND token_id IS NOT DISTINCT FROM $2', [key, tokenId]);
      if (rows.length > 0) {
        const same = rows.find((r) => r.request_hash === requestHash);
        if (!same) throw new ProblemException(problem(409, 'This Idempotency-Key was used with another request'));
        response.status(same.status);
        return of(same.body);
      }
      return next.handle().pipe(
        switchMap((body) =>
          from(
            this.pool
              .query('INSERT INTO idempotency_keys (key, token_id, request_hash, status, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [key, tokenId, requestHash, response.statusCode, JSON.stringify(body ?? null)])
              .then(() => body),
          ),
        ),
      );
    })();
  }
}
