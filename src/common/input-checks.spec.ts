// The strict calendar reader against luxon, the text check, the exact-range guard.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { dateReasonOf, monthReasonOf, parseInstant } from '../shared/instant.js';
import { exactOrRefused, MAX_GROSZE_PER_MWH, MAX_WH_PER_VALUE, OutOfExactRangeError } from '../shared/limits.js';
import { priceWh } from '../shared/largest-remainder.js';
import { findBadText, textReason } from './text.js';

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

describe('parseInstant', () => {
  test('examples off the calendar are refused with a reason', () => {
    expect(parseInstant('2026-02-30T00:00:00+01:00')).toMatch(/not a day of the calendar/);
    expect(parseInstant('2026-11-31T00:00:00+01:00')).toMatch(/not a day of the calendar/);
    expect(parseInstant('2026-05-01T24:00:00+02:00')).toMatch(/00 to 23/);
    expect(parseInstant('2026-05-01T10:00:00+25:00')).toMatch(/-14:00 and \+14:00/);
    expect(parseInstant('2026-05-01T10:00:00')).toMatch(/no offset/);
    expect(parseInstant('0099-05-01T10:00:00Z')).toMatch(/1900/);
    expect(parseInstant('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant('2026-03-29T02:30:00+14:00')).toBe(Date.UTC(2026, 2, 28, 12, 30));
  });

  test('any text of the shape: accepted exactly when luxon finds it valid, at the same instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.oneof(
          fc.constant('Z'),
          fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 26 }), fc.integer({ min: 0, max: 61 })).map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
        ),
        (year, month, day, hour, minute, second, offset) => {
          const text = `${String(year)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`;
          const parsed = parseInstant(text);
          const luxon = DateTime.fromISO(text, { setZone: true });
          const offsetOk = offset === 'Z' || (Number(offset.slice(4)) <= 59 && Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)) <= 14 * 60);
          const expected = luxon.isValid && hour <= 23 && offsetOk ? luxon.toMillis() : undefined;
          if (expected === undefined) expect(typeof parsed).toBe('string');
          else expect(parsed).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('dates and months', () => {
    expect(dateReasonOf('2026-02-29')).toMatch(/calendar/);
    expect(dateReasonOf('2028-02-29')).toBeUndefined();
    expect(monthReasonOf('2026-13')).toBeDefined();
    expect(monthReasonOf('2026-12')).toBeUndefined();
  });
});

describe('text', () => {
  test('control characters, lone surrogates and non-characters are refused; pairs and Polish letters are text', () => {
    for (const bad of ['\u0000', 'a\u0001', '\u001f', '\u007f', '\u0085', '\ud800', 'x\udfff', '\ufffe', 'a\nb', 'a\tb']) expect(textReason(bad)).toBeDefined();
    for (const good of ['Zażółć gęślą jaźń', '😀', 'ул. Мира', '']) expect(textReason(good)).toBeUndefined();
    expect(textReason('a\nb\tc\r\n', true)).toBeUndefined();
    expect(textReason('a\u0000', true)).toBeDefined();
  });

  test('any string: refused exactly when it holds a forbidden code unit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const forbidden = Array.from(s).some((ch) => {
          const c = ch.codePointAt(0) ?? 0;
          return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff);
        });
        expect(textReason(s) !== undefined).toBe(forbidden);
      }),
      { numRuns: 2000 },
    );
  });

  test('paths name the field', () => {
    expect(findBadText({ members: [{ legalName: 'ok' }, { legalName: 'x\u0000' }], reason: 'a\nb' })).toEqual([{ field: 'members[1].legalName', reason: expect.stringMatching(/control/) as unknown }]);
  });
});

describe('exact range', () => {
  test('amounts past 2^53 are refused, never rounded', () => {
    expect(exactOrRefused(2 ** 53 - 1, 'x')).toBe(2 ** 53 - 1);
    expect(() => exactOrRefused(2 ** 53, 'x')).toThrow(OutOfExactRangeError);
    expect(() => exactOrRefused(2n ** 53n, 'x')).toThrow(OutOfExactRangeError);
    // a month of 10,000 PPE at the maximum in every quarter-hour stays exact
    expect(Number.isSafeInteger(10_000 * 2980 * MAX_WH_PER_VALUE)).toBe(true);
    // but its value at the highest price does not: refused
    expect(() => priceWh(10_000 * 2980 * MAX_WH_PER_VALUE, MAX_GROSZE_PER_MWH)).toThrow(OutOfExactRangeError);
    expect(priceWh(1_000_000, 45_000)).toBe(45_000);
  });
});
