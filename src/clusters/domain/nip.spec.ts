import fc from 'fast-check';
import { isValidNip, nipCheckDigit, normaliseNip } from './nip.js';

describe('NIP checksum', () => {
  test.each([
    ['5261040828'],
    ['526-104-08-28'],
    ['526 104 08 28'],
    // 9·6 + 8·5 + 7·7 + 6·2 + 5·3 + 4·4 + 3·5 + 2·6 + 1·7 = 220 = 20·11, remainder 0
    ['9876543210'],
    // 6·6 + 4·5 + 5·7 + 1·2 + 2·3 + 3·4 + 4·5 + 5·6 + 6·7 = 203 = 18·11 + 5
    ['645-123-45-65'],
    ['7770001111'],
  ])('%s is valid', (nip) => expect(isValidNip(nip)).toBe(true));

  test.each([
    ['5261040829', 'wrong check digit'],
    ['1234567890', 'remainder 10: no NIP starts 123456789'],
    ['526104082', 'nine digits'],
    ['52610408281', 'eleven digits'],
    ['PL5261040828', 'a country prefix is not part of the NIP'],
    ['526.104.08.28', 'only dashes and spaces are dropped'],
    ['', 'empty'],
  ])('%s is invalid (%s)', (nip) => expect(isValidNip(nip)).toBe(false));

  test('not a string is not a NIP', () => {
    expect(isValidNip(5261040828)).toBe(false);
    expect(isValidNip(undefined)).toBe(false);
  });

  test('normalising keeps the ten digits only', () => expect(normaliseNip(' 526-104 08-28 ')).toBe('5261040828'));

  test('a random nine-digit prefix with its computed check digit validates; changing one digit invalidates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (prefix, position, delta) => {
        const check = nipCheckDigit(prefix);
        if (check === 10) {
          // No check digit fits: every completion of this prefix is invalid.
          for (let d = 0; d <= 9; d++) expect(isValidNip(prefix + d)).toBe(false);
          return;
        }
        const nip = prefix + check;
        expect(isValidNip(nip)).toBe(true);
        // Each weight is below 11 and coprime with it, so any single changed digit moves the sum mod 11.
        const digits = nip.split('');
        digits[position] = String((Number(digits[position]) + delta) % 10);
        expect(isValidNip(digits.join(''))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
