import fc from 'fast-check';
import { backoffMs, classify, nextDelayMs, REQUEST_RETRY, retryAfterMs } from './retry.js';
import { crc8, invoiceVerificationUrl, isValidKsefNumber } from './environments.js';

test('what is retried: no answer, 408, 429 and 5xx; other 4xx are refusals', () => {
  expect(classify(null, null, 'timeout', 0).kind).toBe('transient');
  for (const s of [408, 429, 500, 502, 503, 504]) expect(classify(s, null, '', 0).kind).toBe('transient');
  for (const s of [400, 401, 403, 404, 410, 422]) expect(classify(s, null, '', 0).kind).toBe('permanent');
  expect(classify(202, null, '', 0).kind).toBe('ok');
});

test('Retry-After in seconds or as an HTTP date', () => {
  expect(retryAfterMs('30', 0)).toBe(30_000);
  expect(retryAfterMs('Wed, 02 Dec 2026 06:00:10 GMT', Date.parse('2026-12-02T06:00:00Z'))).toBe(10_000);
  expect(retryAfterMs('soon', 0)).toBeNull();
  expect(nextDelayMs(REQUEST_RETRY, 2, 30_000, Math.random)).toBe(30_000);
  expect(nextDelayMs(REQUEST_RETRY, 2, 10 * 60_000, Math.random)).toBeNull(); // longer than we wait within a pass
});

test('property: the delay stays within [0, min(max, base·2^(n-1))] and attempts stop at the limit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const delay = backoffMs(attempt, 500, 30_000, () => r);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(30_000, 500 * 2 ** (attempt - 1)));
      expect(nextDelayMs(REQUEST_RETRY, REQUEST_RETRY.maxAttempts + attempt, null, () => r)).toBeNull();
    }),
  );
});

test('KSeF numbers carry a CRC-8 (the documented example); KOD I as the docs build it', () => {
  expect(crc8('5265877635-20250826-0100001AF629')).toBe('AF');
  expect(isValidKsefNumber('5265877635-20250826-0100001AF629-AF')).toBe(true);
  expect(isValidKsefNumber('5265877635-20250826-0100001AF629-AE')).toBe(false);
  // the example of CIRFMF/ksef-docs/kody-qr.md: NIP 1111111111, 01-02-2026, hash UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE
  expect(invoiceVerificationUrl('test', '1111111111', '2026-02-01', 'UtQp9Gpc51y+u3xApZjIjgkpZ01js+J8KflSPW8WzIE=')).toBe(
    'https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE',
  );
  expect(invoiceVerificationUrl('prod', '1111111111', '2026-02-01', 'a/b+c=')).toBe('https://qr.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/a_b-c');
});
