import fc from 'fast-check';
import { addToRuns, daysOfMonth, evolveMeterStream, linesOf, type MeterEvent, type MeterStreamState, planMeterEvents, positionsOf, type ReadingInput, intervalsInDay, warsawDayOf } from './meter-stream.js';
import { monthCompleteness } from './completeness.js';

const context = { clusterId: 'c1', ppeCode: 'PPE1', source: 'test', fileSha256: null };
const reading = (iso: string, importWh: number, exportWh = 0, line = 1): ReadingInput => ({
  line, intervalStart: new Date(iso), intervalMinutes: 15, importWh, exportWh, quality: 'measured',
});

describe('planning meter events', () => {
  test('new values make one Recorded event per Warsaw day, with positions in the day', () => {
    const plan = planMeterEvents(new Map(), [reading('2026-05-01T22:00:00Z', 5), reading('2026-05-01T21:45:00Z', 4), reading('2026-05-01T00:00:00Z', 3)], context);
    expect(plan.counts).toEqual({ new: 3, unchanged: 0, corrected: 0 });
    expect(plan.events.map((e) => [e.type, e.data.day, positionsOf(e.data)])).toEqual([
      ['MeterReadingsRecorded', '2026-05-01', [8, 95]],
      ['MeterReadingsRecorded', '2026-05-02', [0]],
    ]);
  });

  test('the same values again are unchanged; other values are corrections carrying the previous ones', () => {
    const first = planMeterEvents(new Map(), [reading('2026-05-01T10:00:00Z', 5), reading('2026-05-01T10:15:00Z', 6)], context);
    const state = first.events.reduce(evolveMeterStream, new Map() as MeterStreamState);
    const again = planMeterEvents(state, [reading('2026-05-01T10:00:00Z', 5), reading('2026-05-01T10:15:00Z', 7)], context);
    expect(again.counts).toEqual({ new: 0, unchanged: 1, corrected: 1 });
    expect(again.events).toHaveLength(1);
    expect(again.events[0].type).toBe('MeterReadingsCorrected');
    expect(again.events[0].data).toMatchObject({ importWh: [7], previousImportWh: [6] });
  });

  test('a reading in another interval length than the day already holds is an error', () => {
    const first = planMeterEvents(new Map(), [reading('2026-05-01T10:00:00Z', 5)], context);
    const state = first.events.reduce(evolveMeterStream, new Map() as MeterStreamState);
    const hourly = { ...reading('2026-05-01T11:00:00Z', 5, 0, 7), intervalMinutes: 60 };
    expect(planMeterEvents(state, [hourly], context).errors).toEqual([{ line: 7, reason: expect.stringMatching(/60 minutes/) }]);
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
    const result = monthCompleteness(monthStart, monthEnd, 60, [{ ppeCode: 'A', periods: [{ fromUtc: new Date('2026-04-09T22:00:00Z'), toUtc: new Date('2026-04-10T22:00:00Z') }] }],
      [{ ppeCode: 'A', dayStart: new Date('2026-04-09T22:00:00Z'), intervalMinutes: 15, quality: quality.join('') }], new Date('2027-01-01'));
    expect(result).toEqual([{ ppeCode: 'A', expectedIntervals: 24, presentIntervals: 23, missing: [{ from: '2026-04-10T08:00:00.000Z', to: '2026-04-10T09:00:00.000Z' }] }]);
  });

  test('expects every interval of a month with a DST change (October: 745 hours)', () => {
    const result = monthCompleteness(new Date('2026-09-30T22:00:00Z'), new Date('2026-10-31T23:00:00Z'), 60,
      [{ ppeCode: 'B', periods: [{ fromUtc: new Date('2026-01-01'), toUtc: null }] }], [], new Date('2027-01-01'));
    expect(result[0]).toMatchObject({ expectedIntervals: 745, presentIntervals: 0, missing: [{ from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z' }] });
  });
});

describe('positions and lines as runs', () => {
  test('runs give back every number in order, whatever the gaps and repeats of the sequence', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 120 }), (numbers) => {
      const runs: [number, number][] = [];
      for (const n of numbers) addToRuns(runs, n);
      expect(positionsOf({ importWh: [], indexRanges: runs })).toEqual(numbers);
      expect(runs.length).toBeLessThanOrEqual(numbers.length);
    }));
  });

  test('a whole day is one run', () => {
    const plan = planMeterEvents(new Map(), Array.from({ length: 96 }, (_, i) => reading(new Date(Date.parse('2026-04-30T22:00:00Z') + i * 900_000).toISOString(), i, 0, 10 + i)), context);
    expect(plan.events[0].data).toMatchObject({ indexRanges: [[0, 95]], lineRanges: [[10, 105]] });
  });

  test('a version 1 event (plain indexes and lines) folds as its version 2 equal does', () => {
    const common = { clusterId: 'c1', ppeCode: 'PPE1', day: '2026-05-01', dayStart: '2026-04-30T22:00:00.000Z', intervalMinutes: 15, source: 's', fileSha256: null, importWh: [1, 2, 3], exportWh: [0, 0, 4], quality: 'mme' };
    const v1 = { type: 'MeterReadingsRecorded', data: { ...common, indexes: [4, 5, 9], lines: [7, 8, 12] } } as unknown as MeterEvent;
    const v2: MeterEvent = { type: 'MeterReadingsRecorded', data: { ...common, indexRanges: [[4, 5], [9, 9]], lineRanges: [[7, 8], [12, 12]] } };
    expect(evolveMeterStream(new Map(), v1)).toEqual(evolveMeterStream(new Map(), v2));
    expect(linesOf(v1.data)).toEqual(linesOf(v2.data));
  });

  test('the days of a month', () => {
    expect(daysOfMonth('2026-02')).toHaveLength(28);
    expect(daysOfMonth('2028-02').at(-1)).toBe('2028-02-29');
    expect(daysOfMonth('2026-10')[24]).toBe('2026-10-25');
  });
});
