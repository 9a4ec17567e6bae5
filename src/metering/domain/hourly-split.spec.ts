import fc from 'fast-check';
import { splitHour } from './hourly-split.js';
import { evolveMeterStream, type MeterStreamState, positionsOf } from './meter-stream.js';
import { type MeteringRegistryView, planDay, ReadingsBatch } from './readings-batch.js';
import { MAX_WH_PER_VALUE } from './limits.js';

const context = { clusterId: 'c1', source: 'test', fileSha256: null };
const registry: MeteringRegistryView = {
  point: () => ({ carrier: 'electricity', held: [{ fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: null }] }),
  intervalMinutesFor: () => 15,
};
const NOW = Date.parse('2027-01-01T00:00:00Z');
const plan = (state: MeterStreamState, batch: ReadingsBatch) => batch.days().flatMap((values) => planDay(state.get(values.day), values, context).events);

describe('an hour divided into its quarter-hours', () => {
  test('the four parts always sum to the hour, evenly or by any weights, and none is negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_WH_PER_VALUE }), fc.option(fc.array(fc.integer({ min: 0, max: 1e12 }), { minLength: 4, maxLength: 4 }), { nil: undefined }), (hourWh, weights) => {
        const parts = splitHour(hourWh, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(hourWh);
        for (const p of parts) expect(Number.isInteger(p) && p >= 0).toBe(true);
        // even: no two parts differ by more than one Wh
        if (!weights || weights.every((w) => w === 0)) expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('evenly by largest remainder: the leftover Wh go to the earliest quarters', () => {
    expect(splitHour(1003)).toEqual([251, 251, 251, 250]);
    expect(splitHour(2)).toEqual([1, 1, 0, 0]);
    expect(splitHour(100, [0, 1, 1, 2])).toEqual([0, 25, 25, 50]);
    expect(splitHour(100, [0, 0, 0, 0])).toEqual([25, 25, 25, 25]);
  });

  test('hours in a quarter-hour agreement become quarter-hours marked hourly_split, on both DST days', () => {
    for (const [day, firstUtc, hours] of [
      ['2026-03-29', '2026-03-28T23:00:00Z', 23],
      ['2026-10-25', '2026-10-24T22:00:00Z', 25],
    ] as const) {
      const batch = new ReadingsBatch(registry, NOW, 'line');
      let sum = 0;
      for (let h = 0; h < hours; h++) {
        batch.add(h + 2, 'PPE1', Date.parse(firstUtc) + h * 3_600_000, 60, 1001 + h, h, 'm');
        sum += 1001 + h;
      }
      expect(batch.errors).toEqual([]);
      batch.splitHours();
      const events = plan(new Map(), batch);
      expect(events).toHaveLength(1);
      const data = events[0]?.data;
      if (!data) throw new Error('no event planned');
      expect(data).toMatchObject({ day, intervalMinutes: 15, quality: 'h'.repeat(hours * 4) });
      expect(positionsOf(data)).toHaveLength(hours * 4);
      expect(data.importWh.reduce((a, b) => a + b, 0)).toBe(sum);
      // every hour's quarters come from that hour's line
      expect(data.lineRanges[0]?.[0]).toBe(2);
    }
  });

  test('quarter-hours arriving later replace the split as a correction; a split never replaces measured quarter-hours', () => {
    const hourly = new ReadingsBatch(registry, NOW, 'line');
    hourly.add(2, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 1000, 0, 'm');
    hourly.splitHours();
    const state = plan(new Map(), hourly).reduce<MeterStreamState>(evolveMeterStream, new Map());
    const quarters = new ReadingsBatch(registry, NOW, 'line');
    [100, 200, 300, 400].forEach((wh, q) => {
      quarters.add(q + 2, 'PPE1', Date.parse('2026-05-01T08:00:00Z') + q * 900_000, 15, wh, 0, 'm');
    });
    const corrections = plan(state, quarters);
    expect(corrections.map((e) => e.type)).toEqual(['MeterReadingsCorrected']);
    expect(corrections[0]?.data).toMatchObject({ importWh: [100, 200, 300, 400], quality: 'mmmm', previousImportWh: [250, 250, 250, 250], previousQuality: 'hhhh' });
    const measured = corrections.reduce(evolveMeterStream, state);
    const again = new ReadingsBatch(registry, NOW, 'line');
    again.add(2, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 1200, 0, 'm');
    again.splitHours();
    expect(plan(measured, again)).toEqual([]);
  });

  test('an hour and its quarter-hours in one batch, or an hour twice with other values, are errors', () => {
    const batch = new ReadingsBatch(registry, NOW, 'line');
    batch.add(2, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 1000, 0, 'm');
    batch.add(3, 'PPE1', Date.parse('2026-05-01T08:15:00Z'), 15, 10, 0, 'm');
    batch.add(4, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 999, 0, 'm');
    batch.add(5, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 1000, 0, 'm');
    batch.add(6, 'PPE1', Date.parse('2026-05-01T09:30:00Z'), 15, 10, 0, 'm');
    batch.add(7, 'PPE1', Date.parse('2026-05-01T09:00:00Z'), 60, 10, 0, 'm');
    expect(batch.errors.map((e) => [e.line, e.reason])).toEqual([
      [3, expect.stringMatching(/also given by the hourly value at line 2/)],
      [4, expect.stringMatching(/appears twice with different values \(first at line 2\)/)],
      [7, expect.stringMatching(/overlaps the quarter-hour values given at line 6/)],
    ]);
  });

  test('by a shape: the weights of each direction', () => {
    const batch = new ReadingsBatch(registry, NOW, 'line');
    batch.add(2, 'PPE1', Date.parse('2026-05-01T08:00:00Z'), 60, 1000, 90, 'm');
    batch.splitHours((_values, _position, direction) => (direction === 'import' ? [1, 1, 1, 7] : undefined));
    const data = plan(new Map(), batch)[0]?.data;
    if (!data) throw new Error('no event planned');
    expect(data.importWh).toEqual([100, 100, 100, 700]);
    expect(data.exportWh).toEqual([23, 23, 22, 22]);
  });
});
