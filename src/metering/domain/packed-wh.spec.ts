import fc from 'fast-check';
import { MAX_WH_PER_VALUE } from './limits.js';
import { whList, whValues } from './meter-day-values.js';
import { PackedWhPage, packedWhCopyText, packWh, unpackWh } from './packed-wh.js';

const whOrMissing = fc.option(fc.integer({ min: 0, max: MAX_WH_PER_VALUE }), { nil: null });

describe('a day of Wh as meter_days stores it', () => {
  test('any values up to the maximum, missing ones included, read back as written, 4 bytes each', () => {
    fc.assert(
      fc.property(fc.array(whOrMissing, { maxLength: 1_500 }), (values) => {
        const bytes = packWh(values);
        expect(bytes.length).toBe(4 * values.length);
        expect(unpackWh(bytes)).toEqual(values);
      }),
    );
  });

  test('a value read from its place among other bytes (a COPY row)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9 }), fc.array(whOrMissing, { maxLength: 100 }), fc.uint8Array({ maxLength: 9 }), (before, values, after) => {
        const row = Buffer.concat([before, packWh(values), after]);
        expect(unpackWh(row, before.length, before.length + 4 * values.length)).toEqual(values);
      }),
    );
  });

  test('network byte order, -1 for a missing value, as PostgreSQL int4send writes them', () => {
    expect(packWh([1, null, 250_000_000]).toString('hex')).toBe('00000001' + 'ffffffff' + '0ee6b280');
    expect(packedWhCopyText([1, null])).toBe('\\\\x00000001ffffffff');
  });

  test('a value that is negative, fractional or above the maximum is refused, not stored wrapped', () => {
    for (const wh of [-1, 0.5, MAX_WH_PER_VALUE + 1, 2 ** 32, Number.NaN]) expect(() => packWh([wh])).toThrow(/not a whole number/);
  });

  test('bytes that are not whole values, or a stored value out of range, are refused', () => {
    expect(() => unpackWh(Buffer.alloc(7))).toThrow(/not whole 4-byte values/);
    expect(() => unpackWh(Buffer.from('fffffffe', 'hex'))).toThrow(/out of range/);
    expect(() => unpackWh(Buffer.from('7fffffff', 'hex'))).toThrow(/out of range/);
  });
});

describe('a page of days sharing one buffer (the settlement read)', () => {
  test('every day taken from its place among other bytes reads back as written once the page is sealed, earlier views untouched by later takes', () => {
    const day = fc.record({ before: fc.uint8Array({ maxLength: 9 }), values: fc.array(whOrMissing, { maxLength: 100 }) });
    fc.assert(
      fc.property(fc.array(day, { maxLength: 30 }), (days) => {
        const page = new PackedWhPage(days.reduce((sum, d) => sum + d.values.length, 0));
        const views = days.map((d) => page.take(Buffer.concat([d.before, packWh(d.values)]), d.before.length, d.before.length + 4 * d.values.length));
        page.seal();
        expect(views.map(whList)).toEqual(days.map((d) => d.values));
        expect(views.map((v) => v.length)).toEqual(days.map((d) => d.values.length));
      }),
    );
  });

  test('a full page takes no more, a sealed page takes nothing, and a stored value out of range is refused when sealed', () => {
    const page = new PackedWhPage(2);
    expect(page.fits(2)).toBe(true);
    page.take(packWh([1, 2]), 0, 8);
    expect(page.fits(1)).toBe(false);
    expect(() => page.take(packWh([3]), 0, 4)).toThrow(/full/);
    page.seal();
    expect(() => page.take(packWh([]), 0, 0)).toThrow(/sealed/);
    const bad = new PackedWhPage(1);
    bad.take(Buffer.from('fffffffe', 'hex'), 0, 4);
    expect(() => {
      bad.seal();
    }).toThrow(/out of range/);
    expect(() => new PackedWhPage(4).take(Buffer.alloc(6), 0, 6)).toThrow(/not whole 4-byte values/);
  });
});

describe('a day of values in memory', () => {
  test('lists with missing values and typed arrays convert both ways; values the store would refuse are refused', () => {
    fc.assert(
      fc.property(fc.array(whOrMissing, { maxLength: 100 }), (values) => {
        expect(whList(whValues(values))).toEqual(values);
      }),
    );
    for (const wh of [-1, 0.5, MAX_WH_PER_VALUE + 1]) expect(() => whValues([wh])).toThrow(/not a whole number/);
  });
});
