import fc from 'fast-check';
import { addToRuns, daysOfMonth, evolveMeterStream, linesOf, type MeterEvent, type MeterStreamState, positionsOf, intervalsInDay, warsawDayOf } from './meter-stream.js';
import { type MeteringRegistryView, planDay, ReadingsBatch } from './readings-batch.js';
import { monthCompleteness } from './completeness.js';

const context = { clusterId: 'c1', source: 'test', fileSha256: null };
const registry: MeteringRegistryView = {
  point: (ppeCode) => (ppeCode.startsWith('PPE') ? { carrier: 'electricity', held: [{ fromMs: Date.parse('2026-01-01T00:00:00Z'), toMs: null }] } : undefined),
  intervalMinutesFor: () => 15,
};
const NOW = Date.parse('2026-06-01T00:00:00Z');
type Reading = [iso: string, importWh: number, exportWh?: number, line?: number, minutes?: number];
function batchOf(readings: Reading[], view = registry) {
  const batch = new ReadingsBatch(view, NOW, 'line');
  readings.forEach(([iso, importWh, exportWh = 0, line, minutes = 15], i) => {
    batch.add(line ?? i + 1, 'PPE1', Date.parse(iso), minutes, importWh, exportWh, 'm');
  });
  return batch;
}
/** Plans every day of a batch against a state, as the recorder does stream by stream. */
function plan(state: MeterStreamState, batch: ReadingsBatch) {
  const planned = batch.days().map((values) => planDay(state.get(values.day), values, context));
  return { events: planned.flatMap((p) => p.events), errors: planned.flatMap((p) => p.errors) };
}

describe('checking a batch and planning meter events', () => {
  test('new values make one Recorded event per Warsaw day, with positions in the day', () => {
    const { events } = plan(
      new Map(),
      batchOf([
        ['2026-05-01T22:00:00Z', 5],
        ['2026-05-01T21:45:00Z', 4],
        ['2026-05-01T00:00:00Z', 3],
      ]),
    );
    expect(events.map((e) => [e.type, e.data.day, positionsOf(e.data), e.data.importWh])).toEqual([
      ['MeterReadingsRecorded', '2026-05-01', [8, 95], [3, 4]],
      ['MeterReadingsRecorded', '2026-05-02', [0], [5]],
    ]);
  });

  test('the same values again are unchanged; other values are corrections carrying the previous ones', () => {
    const first = plan(
      new Map(),
      batchOf([
        ['2026-05-01T10:00:00Z', 5],
        ['2026-05-01T10:15:00Z', 6],
      ]),
    );
    const state = first.events.reduce<MeterStreamState>(evolveMeterStream, new Map());
    const again = plan(
      state,
      batchOf([
        ['2026-05-01T10:00:00Z', 5],
        ['2026-05-01T10:15:00Z', 7],
      ]),
    );
    expect(again.events).toHaveLength(1);
    expect(again.events[0]?.type).toBe('MeterReadingsCorrected');
    expect(again.events[0]?.data).toMatchObject({ importWh: [7], previousImportWh: [6], lineRanges: [[2, 2]] });
  });

  test('a reading in another interval length than the day already holds is an error', () => {
    const first = plan(new Map(), batchOf([['2026-05-01T10:00:00Z', 5]]));
    const state = first.events.reduce<MeterStreamState>(evolveMeterStream, new Map());
    const hourlySettlement = { ...registry, intervalMinutesFor: () => 60 };
    expect(plan(state, batchOf([['2026-05-01T11:00:00Z', 5, 0, 7, 60]], hourlySettlement)).errors).toEqual([{ line: 7, reason: expect.stringMatching(/60 minutes/) as unknown }]);
  });

  test('every bad reading is named with its line and field, in input order; the rest is kept', () => {
    const batch = new ReadingsBatch(registry, NOW, 'line');
    batch.add(2, 'PPE1', Date.parse('2026-05-01T10:00:00Z'), 15, 1, 0, 'm');
    batch.add(3, 'NOPE', Date.parse('2026-05-01T10:00:00Z'), 15, 1, 0, 'm');
    batch.add(4, 'PPE1', Date.parse('2026-05-01T10:00:00Z'), 15, 2, 0, 'm'); // same interval, another value
    batch.add(5, 'PPE1', Date.parse('2026-05-01T10:00:00Z'), 15, 1, 0, 'm'); // same interval, same value: fine
    batch.add(6, 'PPE1', Date.parse('2026-05-01T10:05:00Z'), 15, 1, 0, 'm');
    batch.add(7, 'PPE1', Date.parse('2026-06-01T10:00:00Z'), 15, 1, 0, 'm');
    batch.add(8, 'PPE1', Date.parse('2025-12-31T10:00:00Z'), 15, 1, 0, 'm');
    batch.add(9, 'PPE1', Date.parse('2026-05-01T11:00:00Z'), 30, 1, 0, 'm');
    batch.add(10, 'PPE1', Date.parse('2026-05-01T12:00:00Z'), 15, 250_000_001, 0, 'm');
    expect(batch.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'ppeCode'],
      [4, 'intervalStart'],
      [6, 'intervalStart'],
      [7, 'intervalStart'],
      [8, 'ppeCode'],
      [9, 'intervalMinutes'],
      [10, 'importWh'],
    ]);
    expect(batch.errors[1]?.reason).toMatch(/twice with different values \(first at line 2\)/);
    expect(batch.errors[6]?.reason).toMatch(/from 0 to 250000000/);
    expect(batch).toMatchObject({ errorCount: 7, readingCount: 9, uniqueCount: 1 });
  });

  test('a batch spans a bounded number of PPE-days, said once', () => {
    const batch = new ReadingsBatch(registry, NOW, 'entry', 3);
    for (let d = 1; d <= 5; d++) batch.add(d, 'PPE1', Date.parse(`2026-05-0${String(d)}T10:00:00Z`), 15, 1, 0, 'm');
    batch.add(6, 'PPE1', Date.parse('2026-05-02T10:15:00Z'), 15, 1, 0, 'm'); // a day it holds already: fine
    expect(batch.errors).toEqual([{ line: 4, field: 'intervalStart', reason: 'the batch spans more than 3 PPE-days; send it in parts' }]);
    expect(batch.errorCount).toBe(2);
    expect(batch.uniqueCount).toBe(4);
  });

  test('a batch keeps its first 100 errors and counts them all', () => {
    const batch = new ReadingsBatch(registry, NOW, 'entry');
    for (let i = 1; i <= 250; i++) batch.add(i, 'NOPE', Date.parse('2026-05-01T10:00:00Z'), 15, 1, 0, 'm');
    expect(batch.errors).toHaveLength(100);
    expect(batch.errorCount).toBe(250);
    expect(batch.errors[99]?.line).toBe(100);
  });

  test('planning conserves every value: new, unchanged and corrected add up to the distinct readings', () => {
    const day = fc.integer({ min: 0, max: 95 });
    fc.assert(
      fc.property(fc.array(fc.tuple(day, fc.integer({ min: 0, max: 3 })), { maxLength: 60 }), fc.array(fc.tuple(day, fc.integer({ min: 0, max: 3 })), { maxLength: 60 }), (before, after) => {
        const at = (q: number) => new Date(Date.parse('2026-04-30T22:00:00Z') + q * 900_000).toISOString();
        const unique = (list: [number, number][]) => [...new Map(list).entries()];
        const first = plan(new Map(), batchOf(unique(before).map(([q, v]) => [at(q), v])));
        const state = first.events.reduce<MeterStreamState>(evolveMeterStream, new Map());
        const second = unique(after);
        const next = plan(state, batchOf(second.map(([q, v]) => [at(q), v])));
        const count = (type: string) => next.events.filter((e) => e.type === type).reduce((n, e) => n + e.data.importWh.length, 0);
        const had = new Map(unique(before));
        expect(count('MeterReadingsRecorded')).toBe(second.filter(([q]) => !had.has(q)).length);
        expect(count('MeterReadingsCorrected')).toBe(second.filter(([q, v]) => had.has(q) && had.get(q) !== v).length);
        // folding both plans gives the latest value of every interval
        const final = next.events.reduce(evolveMeterStream, state).get('2026-05-01');
        for (const [q, v] of second) expect(final?.values.get(q)?.importWh).toBe(v);
      }),
    );
  });

  test('Warsaw days around DST have 92 and 100 quarter-hours', () => {
    expect(intervalsInDay('2026-03-29', 15)).toBe(92);
    expect(intervalsInDay('2026-10-25', 15)).toBe(100);
    expect(intervalsInDay('2026-10-25', 60)).toBe(25);
    expect(warsawDayOf(new Date('2026-10-24T22:00:00Z'))).toMatchObject({ day: '2026-10-25', month: '2026-10' });
  });
});

describe('completeness', () => {
  const monthStart = new Date('2026-03-31T22:00:00Z');
  const monthEnd = new Date('2026-04-30T22:00:00Z');

  test('lists missing ranges over the time the PPE is assigned', () => {
    const quality = 'm'.repeat(96).split('');
    for (let j = 40; j < 44; j++) quality[j] = '-';
    const result = monthCompleteness(
      monthStart,
      monthEnd,
      60,
      [{ ppeCode: 'A', periods: [{ fromUtc: new Date('2026-04-09T22:00:00Z'), toUtc: new Date('2026-04-10T22:00:00Z') }] }],
      [{ ppeCode: 'A', dayStart: new Date('2026-04-09T22:00:00Z'), intervalMinutes: 15, quality: quality.join('') }],
      new Date('2027-01-01'),
    );
    expect(result).toEqual([
      { ppeCode: 'A', expectedIntervals: 24, presentIntervals: 23, hourlySplitQuarterHours: 0, missing: [{ from: '2026-04-10T08:00:00.000Z', to: '2026-04-10T09:00:00.000Z' }] },
    ]);
  });

  test('expects every interval of a month with a DST change (October: 745 hours)', () => {
    const result = monthCompleteness(
      new Date('2026-09-30T22:00:00Z'),
      new Date('2026-10-31T23:00:00Z'),
      60,
      [{ ppeCode: 'B', periods: [{ fromUtc: new Date('2026-01-01'), toUtc: null }] }],
      [],
      new Date('2027-01-01'),
    );
    expect(result[0]).toMatchObject({ expectedIntervals: 745, presentIntervals: 0, missing: [{ from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z' }] });
  });
});

describe('positions and lines as runs', () => {
  test('runs give back every number in order, whatever the gaps and repeats of the sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 120 }), (numbers) => {
        const runs: [number, number][] = [];
        for (const n of numbers) addToRuns(runs, n);
        expect(positionsOf({ importWh: [], indexRanges: runs })).toEqual(numbers);
        expect(runs.length).toBeLessThanOrEqual(numbers.length);
      }),
    );
  });

  test('a whole day is one run', () => {
    const { events } = plan(new Map(), batchOf(Array.from({ length: 96 }, (_, i): Reading => [new Date(Date.parse('2026-04-30T22:00:00Z') + i * 900_000).toISOString(), i, 0, 10 + i])));
    expect(events[0]?.data).toMatchObject({ indexRanges: [[0, 95]], lineRanges: [[10, 105]] });
  });

  test('a version 1 event (plain indexes and lines) folds as its version 2 equal does', () => {
    const common = {
      clusterId: 'c1',
      ppeCode: 'PPE1',
      day: '2026-05-01',
      dayStart: '2026-04-30T22:00:00.000Z',
      intervalMinutes: 15,
      source: 's',
      fileSha256: null,
      importWh: [1, 2, 3],
      exportWh: [0, 0, 4],
      quality: 'mme',
    };
    const v1 = { type: 'MeterReadingsRecorded', data: { ...common, indexes: [4, 5, 9], lines: [7, 8, 12] } } as unknown as MeterEvent;
    const v2: MeterEvent = {
      type: 'MeterReadingsRecorded',
      data: {
        ...common,
        indexRanges: [
          [4, 5],
          [9, 9],
        ],
        lineRanges: [
          [7, 8],
          [12, 12],
        ],
      },
    };
    expect(evolveMeterStream(new Map(), v1)).toEqual(evolveMeterStream(new Map(), v2));
    expect(linesOf(v1.data)).toEqual(linesOf(v2.data));
  });

  test('the days of a month', () => {
    expect(daysOfMonth('2026-02')).toHaveLength(28);
    expect(daysOfMonth('2028-02').at(-1)).toBe('2028-02-29');
    expect(daysOfMonth('2026-10')[24]).toBe('2026-10-25');
  });
});
