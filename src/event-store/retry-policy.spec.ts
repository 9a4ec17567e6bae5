import fc from 'fast-check';
import { WrongExpectedVersionError } from './event-store.port.js';
import { conflictBackoffMaxMs, conflictBackoffMs, conflictRetries, isVersionConflict, withConflictRetry } from './retry-policy.js';

const conflict = () => new WrongExpectedVersionError('cluster-x', 3, 4);
const unitInterval = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('the pause before a retry', () => {
  test('is a whole number of ms between 0 and the cap, whatever the retry and the random draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), unitInterval, (retry, r) => {
        const ms = conflictBackoffMs(retry, () => r);
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(conflictBackoffMaxMs);
      }),
    );
  });

  test('its ceiling doubles from the base until the cap (full jitter below it)', () => {
    const highest = (retry: number) => conflictBackoffMs(retry, () => 0.999999, 5, 100);
    expect([1, 2, 3, 4, 5, 6, 7].map(highest)).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(conflictBackoffMs(3, () => 0, 5, 100)).toBe(0);
  });
});

describe('withConflictRetry', () => {
  const noWait = { sleep: () => Promise.resolve(), random: () => 0.5 };

  test('a command that loses k races (k within the bound) is decided again and succeeds, after k pauses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: conflictRetries }), async (k) => {
        const pauses: number[] = [];
        const attempts: number[] = [];
        const result = await withConflictRetry(
          (attempt) => {
            attempts.push(attempt);
            return attempt <= k ? Promise.reject(conflict()) : Promise.resolve('recorded');
          },
          { sleep: (ms) => Promise.resolve(void pauses.push(ms)) },
        );
        expect(result).toBe('recorded');
        expect(attempts).toEqual(Array.from({ length: k + 1 }, (_, i) => i + 1));
        expect(pauses).toHaveLength(k);
        for (const ms of pauses) expect(ms).toBeLessThanOrEqual(conflictBackoffMaxMs);
      }),
    );
  });

  test('past the bound the last conflict surfaces as it is (the HTTP layer answers 409)', async () => {
    let attempts = 0;
    const last = conflict();
    await expect(
      withConflictRetry(() => {
        attempts++;
        return Promise.reject(attempts === conflictRetries + 1 ? last : conflict());
      }, noWait),
    ).rejects.toBe(last);
    expect(attempts).toBe(conflictRetries + 1);
  });

  test('any other error is not retried', async () => {
    let attempts = 0;
    await expect(
      withConflictRetry(() => {
        attempts++;
        return Promise.reject(new Error('the database went away'));
      }, noWait),
    ).rejects.toThrow('the database went away');
    expect(attempts).toBe(1);
  });

  test('the bound and what counts as a conflict can be given', async () => {
    let attempts = 0;
    await expect(
      withConflictRetry(
        () => {
          attempts++;
          return Promise.reject(new RangeError('busy'));
        },
        { ...noWait, retries: 2, isConflict: (e) => e instanceof RangeError },
      ),
    ).rejects.toThrow('busy');
    expect(attempts).toBe(3);
    expect(isVersionConflict(conflict())).toBe(true);
    expect(isVersionConflict(new Error('x'))).toBe(false);
  });
});
