// One retry policy for commands that lose a race for a stream's version (issue 18: there
// were five). A version conflict means another writer appended first: the command is
// decided again on the fresh stream, a few times, after a short random pause so that the
// losers of one race do not meet again in the next. Past the bound the conflict surfaces
// (409: the client reads again and retries), rather than a request spinning under load.
// The clock and the random source are parameters, so the policy is tested without waiting.
import { WrongExpectedVersionError } from './event-store.port.js';

/** Tries after the first, when each one lost to another writer. */
export const conflictRetries = 5;
/** The pause before retry n is a random whole number of ms in [0, min(max, base · 2^(n-1))]. */
export const conflictBackoffBaseMs = 5;
export const conflictBackoffMaxMs = 100;

export interface ConflictRetryOptions {
  retries?: number;
  baseMs?: number;
  maxMs?: number;
  /** In [0, 1), as Math.random. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  isConflict?: (error: unknown) => boolean;
}

export const isVersionConflict = (error: unknown): boolean => error instanceof WrongExpectedVersionError;

/** The pause before retry n (1 for the first retry): exponential, capped, with full jitter. */
export function conflictBackoffMs(retry: number, random: () => number = Math.random, baseMs = conflictBackoffBaseMs, maxMs = conflictBackoffMaxMs): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 30));
  return Math.min(ceiling, Math.floor(random() * (ceiling + 1)));
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs fn (given the attempt number, from 1) and runs it again after a pause when it throws
 * a version conflict, at most `retries` more times; the last conflict is thrown as it is.
 * fn must load the stream afresh each time: the retry decides again, it never re-sends.
 */
export async function withConflictRetry<T>(fn: (attempt: number) => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  const retries = options.retries ?? conflictRetries;
  const isConflict = options.isConflict ?? isVersionConflict;
  const sleep = options.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isConflict(error) || attempt > retries) throw error;
      await sleep(conflictBackoffMs(attempt, options.random, options.baseMs, options.maxMs));
    }
  }
}

/** For a loop that keeps its own shape: the pause before retry n. */
export function pauseBeforeRetry(retry: number): Promise<void> {
  return sleepMs(conflictBackoffMs(retry));
}
