import fc from 'fast-check';
import { NO_WH } from '../../metering/domain/meter-day-values.js';
import { MonthFlowsBuilder, type OwnershipPeriod, wholeDayPeriod } from './month-flows.js';

const DAY = Date.parse('2026-05-01T22:00:00Z'); // a Warsaw day of 24 hours
const HOUR = 3_600_000;
const period = (memberId: string, fromMs: number, toMs: number | null): OwnershipPeriod => ({
  ppeCode: 'PL1',
  memberId,
  fromUtc: new Date(fromMs),
  toUtc: toMs === null ? null : new Date(toMs),
  renewable: memberId === 'a',
});

test('the period over a whole day: the one that covers it, none when the owner changes inside it or nobody owns the PPE all day', () => {
  const before = period('a', DAY - 10 * 24 * HOUR, null);
  expect(wholeDayPeriod([before], DAY, DAY + 24 * HOUR)).toBe(before);
  const untilNoon = period('a', DAY - 10 * 24 * HOUR, DAY + 12 * HOUR);
  const fromNoon = period('b', DAY + 12 * HOUR, null);
  expect(wholeDayPeriod([untilNoon, fromNoon], DAY, DAY + 24 * HOUR)).toBeUndefined();
  expect(wholeDayPeriod([period('a', DAY + HOUR, null)], DAY, DAY + 24 * HOUR)).toBeUndefined();
  expect(wholeDayPeriod([untilNoon, fromNoon], DAY + 13 * HOUR, DAY + 24 * HOUR)).toBe(fromNoon);
});

test('every value of a day goes to the member owning the PPE at its instant, a missing value to nobody, and the sums are conserved', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(NO_WH), fc.nat(250_000)), { minLength: 24, maxLength: 24 }), fc.integer({ min: 0, max: 24 }), (values, changeHour) => {
      const periods = [period('a', DAY - 24 * HOUR, DAY + changeHour * HOUR), period('b', DAY + changeHour * HOUR, null)];
      const builder = new MonthFlowsBuilder(new Date(DAY), new Date(DAY + 24 * HOUR), 60, periods, ['b', 'a']);
      builder.addDay({ ppeCode: 'PL1', dayStart: new Date(DAY), intervalMinutes: 60, importWh: Int32Array.from(values), exportWh: Int32Array.from(values) });
      const flows = builder.build();
      expect(flows.memberIds).toEqual(['a', 'b']);
      values.forEach((wh, h) => {
        const owner = h < changeHour ? 0 : 1;
        expect(flows.importWh[h * 2 + owner]).toBe(wh === NO_WH ? 0 : wh);
        expect(flows.importWh[h * 2 + 1 - owner]).toBe(0);
      });
      const recorded = values.filter((wh) => wh !== NO_WH).reduce((sum, wh) => sum + wh, 0);
      expect(flows.exportWh.reduce((sum, wh) => sum + wh, 0)).toBe(recorded);
      expect(flows.renewableExportWh.get('a')).toBe(values.slice(0, changeHour).reduce((sum, wh) => sum + (wh === NO_WH ? 0 : wh), 0));
    }),
  );
});
