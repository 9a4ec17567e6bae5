import { FaultTally, reasonKind } from './error-summary.js';

describe('the errors of a rejected file', () => {
  test('a file failing for one reason is said once, with the count and the line range', () => {
    const tally = new FaultTally();
    for (let line = 2; line <= 73; line++) tally.add({ line, field: 'intervalMinutes', reason: "60-minute readings cannot be settled in the agreement's 30-minute intervals of 2026-05" });
    expect(tally.summary()).toEqual([{ line: 2, lastLine: 73, count: 72, field: 'intervalMinutes', reason: "60-minute readings cannot be settled in the agreement's 30-minute intervals of 2026-05" }]);
    expect(tally.only()).toMatchObject({ count: 72, line: 2, lastLine: 73 });
  });

  test('then the first lines that fail in another way, in file order', () => {
    const tally = new FaultTally();
    for (let line = 2; line <= 500; line++) tally.add({ line, field: 'Data', reason: `"2026-05-01 ${String(line % 24)}:30" is not an hour-ending time` });
    tally.add({ line: 40, field: 'Wartość kWh', reason: '"x" is not a number of kWh' });
    tally.add({ line: 7, field: 'Rodzaj', reason: '"?" is not pobór' });
    const summary = tally.summary();
    expect(summary[0]).toMatchObject({ line: 2, count: 499, lastLine: 500, field: 'Data' });
    expect(summary.slice(1).map((e) => e.line)).toEqual([7, 40]);
    expect(tally.only()).toBeUndefined();
    expect(tally.total).toBe(501);
  });

  test('the values a reason quotes do not make it another reason', () => {
    expect(reasonKind('a', '"1" is not a number')).toBe(reasonKind('a', '"22,5x" is not a number'));
    expect(reasonKind('a', 'the interval 2026-05-01T10:00:00.000Z has not ended')).toBe(reasonKind('a', 'the interval 2026-05-02T11:15:00.000Z has not ended'));
    expect(reasonKind('a', '"1" is not a number')).not.toBe(reasonKind('b', '"1" is not a number'));
  });
});
