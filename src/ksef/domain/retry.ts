// When to try again. A request that failed for a reason that may pass (no answer, a
// timeout, 429, 5xx) is repeated after an exponential delay with full jitter, or after
// the Retry-After KSeF asked for, within a number of attempts and a longest wait; then
// the pass gives up and the documents wait for a later pass, spaced the same way. Pure.

export interface RetryPolicy {
  /** Attempts of one request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this ends the pass instead of waiting in it. */
  maxRetryAfterMs: number;
}

export const REQUEST_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };
/** Between passes that failed for a document: 30 s doubling to an hour. */
export const PASS_RETRY = { baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^(attempt-1))]; attempt from 1. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}

export type Outcome = { kind: 'ok' } | { kind: 'transient'; reason: string; retryAfterMs: number | null } | { kind: 'permanent'; reason: string };

/** An HTTP status (or none: no answer) as the retry policy sees it. */
export function classify(status: number | null, retryAfterHeader: string | null, reason: string, now: number): Outcome {
  if (status !== null && status < 400) return { kind: 'ok' };
  if (status === null || status === 429 || status >= 500 || status === 408) {
    return { kind: 'transient', reason, retryAfterMs: retryAfterMs(retryAfterHeader, now) };
  }
  return { kind: 'permanent', reason };
}

/** Retry-After: seconds, or an HTTP date. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before attempt `next` (2, 3, ...), or null when the request should not be tried again. */
export function nextDelayMs(policy: RetryPolicy, next: number, retryAfter: number | null, random: () => number): number | null {
  if (next > policy.maxAttempts) return null;
  if (retryAfter !== null) return retryAfter > policy.maxRetryAfterMs ? null : retryAfter;
  return backoffMs(next - 1, policy.baseDelayMs, policy.maxDelayMs, random);
}
