import fc from 'fast-check';
import { NO_WH } from '../../metering/domain/meter-day-values.js';
import { forEachOwner, MonthFlowsBuilder, type OwnershipPeriod } from './month-flows.js';

const DAY = Date.parse('2026-05-01T22:00:00Z'); // a Warsaw day of 24 hours
const HOUR = 3_600_000;
const period = (memberId: string, fromMs: number, toMs: number | null): OwnershipPeriod => ({
  ppeCode: 'PL1',
  memberId,
  fromUtc: new Date(fromMs),
  toUtc: toMs === null ? null : new Date(toMs),
  renewable: memberId === 'a',
});

test('a day owned by one period is one run; an owner changing inside the day, or a day partly owned, goes value by value', () => {
  const runs = (owned: OwnershipPeriod[]) => {
    const found: [number, number, string][] = [];
    forEachOwner({ ppeCode: 'PL1', dayStart: new Date(DAY), intervalMinutes: 60, importWh: new Int32Array(24), exportWh: new Int32Array(24) }, owned, (from, to, p) =>
      found.push([from, to, p.memberId]),
    );
    return found;
  };
  expect(runs([period('a', DAY - 10 * 24 * HOUR, null)])).toEqual([[0, 24, 'a']]);
  const byHour = (memberOf: (h: number) => string | null) =>
    Array.from({ length: 24 }, (_, h) => [h, h + 1, memberOf(h)] as [number, number, string | null]).filter((r): r is [number, number, string] => r[2] !== null);
  expect(runs([period('a', DAY - 10 * 24 * HOUR, DAY + 12 * HOUR), period('b', DAY + 12 * HOUR, null)])).toEqual(byHour((h) => (h < 12 ? 'a' : 'b')));
  expect(runs([period('a', DAY + HOUR, null)])).toEqual(byHour((h) => (h >= 1 ? 'a' : null)));
  expect(runs([])).toEqual([]);
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
