// Idempotency-Key on writes (docs/API.md): a repeat with the same key and body returns the
// first answer; the same key with another body is 409. Keys are scoped to the token.
// JSON writes only: a file upload is idempotent by its content already.
//
// Atomic: the key is claimed (a row without an answer, unique per key and token) before
// the request runs, so of concurrent requests with one key exactly one executes, in
// this process or another on the same database. The others wait for its answer and get
// it (the same status and body); one still running after WAIT_MS answers 409. A request
// that fails gives the key back (nothing was recorded), and a waiting one then runs. A
// claim older than STALE_MS (its process was killed) is taken over.
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { catchError, from, type Observable, of, switchMap, throwError } from 'rxjs';
import { PG_POOL } from '../database/pool.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { problem, ProblemException } from './problem.js';

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;
export const IDEMPOTENCY_WAIT_MS = 30_000;
const STALE_MS = 10 * 60_000;
const POLL_MS = 25;

interface KeyRow {
  request_hash: string;
  status: number | null;
  body: unknown;
  stale: boolean;
}

type Claim = { kind: 'run' } | { kind: 'answer'; status: number; body: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    return (async () => {
      const claim = await this.claim(key, tokenId, requestHash);
      if (claim.kind === 'answer') {
        response.status(claim.status);
        return of(claim.body);
      }
      return next.handle().pipe(
        switchMap((body) =>
          from(
            this.pool
              .query('UPDATE idempotency_keys SET status = $4, body = $5, completed_at = now() WHERE key = $1 AND token_id IS NOT DISTINCT FROM $2 AND request_hash = $3', [
                key,
                tokenId,
                requestHash,
                response.statusCode,
                JSON.stringify(body ?? null),
              ])
              .then((): unknown => body),
          ),
        ),
        catchError((error: unknown) => from(this.release(key, tokenId, requestHash)).pipe(switchMap(() => throwError(() => error)))),
      );
    })();
  }

  /** Claims the key for this request, or waits for the answer of the request that holds it. */
  private async claim(key: string, tokenId: string | null, requestHash: string): Promise<Claim> {
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const inserted = await this.pool.query('INSERT INTO idempotency_keys (key, token_id, request_hash, status, body) VALUES ($1, $2, $3, NULL, NULL) ON CONFLICT DO NOTHING', [
        key,
        tokenId,
        requestHash,
      ]);
      if (inserted.rowCount === 1) return { kind: 'run' };
      const { rows } = await this.pool.query<KeyRow>(
        `SELECT request_hash, status, body, created_at < now() - make_interval(secs => $3::double precision / 1000) AS stale
           FROM idempotency_keys WHERE key = $1 AND token_id IS NOT DISTINCT FROM $2`,
        [key, tokenId, STALE_MS],
      );
      const row = rows[0];
      if (!row) continue; // given back meanwhile: claim it again
      if (row.request_hash !== requestHash) throw new ProblemException(problem(409, 'This Idempotency-Key was used with another request'));
      if (row.status !== null) return { kind: 'answer', status: row.status, body: row.body };
      if (row.stale) {
        const taken = await this.pool.query(
          'UPDATE idempotency_keys SET created_at = now() WHERE key = $1 AND token_id IS NOT DISTINCT FROM $2 AND status IS NULL AND created_at < now() - make_interval(secs => $3::double precision / 1000)',
          [key, tokenId, STALE_MS],
        );
        if (taken.rowCount === 1) return { kind: 'run' };
      }
      if (Date.now() >= deadline) throw new ProblemException(problem(409, 'A request with this Idempotency-Key is still running; repeat it later for its answer'));
      await sleep(POLL_MS);
    }
  }

  private async release(key: string, tokenId: string | null, requestHash: string): Promise<void> {
    await this.pool
      .query('DELETE FROM idempotency_keys WHERE key = $1 AND token_id IS NOT DISTINCT FROM $2 AND request_hash = $3 AND status IS NULL', [key, tokenId, requestHash])
      .catch(() => undefined);
  }
}
