import fc from 'fast-check';
import { parseInstant } from './instant.js';

describe('instants in files', () => {
  test('dates and times off the calendar are refused with why', () => {
    expect(parseInstant('2026-02-30T00:00:00+01:00')).toMatch(/not a day of the calendar/);
    expect(parseInstant('2026-11-31T00:00:00+01:00')).toMatch(/not a day of the calendar/);
    expect(parseInstant('2026-05-01T24:00:00+02:00')).toMatch(/00 to 23/);
    expect(parseInstant('2026-05-01T10:00:00+25:00')).toMatch(/between -14:00 and \+14:00/);
    expect(parseInstant('2026-05-01T10:00:00+14:30')).toMatch(/between -14:00 and \+14:00/);
    expect(parseInstant('2026-05-01T10:00:00')).toMatch(/has no offset/);
    expect(parseInstant('2026-05-01 10:00:00+02:00')).toMatch(/is not an ISO 8601 instant/);
    expect(parseInstant('2028-02-29T00:00:00+01:00')).toBe(Date.parse('2028-02-28T23:00:00Z'));
    expect(parseInstant('2026-05-01T10:00:00-14:00')).toBe(Date.parse('2026-05-02T00:00:00Z'));
  });

  test('every instant on the calendar reads as Date.parse reads it', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: -14 * 4, max: 14 * 4 }), (date, quarters) => {
        const offset = quarters * 15;
        const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const text = `${local}${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
        expect(parseInstant(text)).toBe(date.getTime());
      }),
    );
  });
});
