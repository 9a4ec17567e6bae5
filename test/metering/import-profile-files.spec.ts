import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { BUILTIN_PROFILES } from '../../src/metering/domain/files/builtin-profiles.js';
import { parseMeteringFile } from '../../src/metering/domain/files/parse.js';
import { checkProfile, type ImportProfile } from '../../src/metering/domain/files/profile.js';

/** The value a step of the test found; a test that finds nothing fails here. */
function found<T>(value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const parse = (text: string, profile: ImportProfile, ppeCode = 'PL1') => parseMeteringFile(Readable.from([Buffer.from(text, 'utf8')]), { format: 'profile', profile, ppeCode });
const sample = (name: string) => readFileSync(new URL(`../data/dso/${name}`, import.meta.url), 'utf8');
const base = {
  name: 'osd',
  delimiter: ',',
  decimalSeparator: '.',
  headerRow: 2,
  unit: 'Wh',
  time: { convention: 'hour-starting', intervalMinutes: 15, timeColumn: 'Początek', dateFormat: 'DD.MM.YYYY' },
  ppeColumn: 'PPE',
  values: [
    { column: 'Export Wh', direction: 'export' },
    { column: 'Import Wh', direction: 'import' },
  ],
};

describe('import profiles', () => {
  test('a definition is checked field by field', () => {
    expect(checkProfile(base).errors).toEqual([]);
    const bad = checkProfile({
      ...base,
      name: 'Bad Name',
      delimiter: 'x',
      headerRow: 0,
      time: { ...base.time, convention: 'middle', intervalMinutes: 30 },
      values: [{ column: 'Import', direction: 'up' }],
      extra: 1,
    });
    expect(bad.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['extra', 'name', 'delimiter', 'time.convention', 'time.intervalMinutes', 'time.timeColumn', 'ppeColumn', 'values[0].column', 'values[0].direction']),
    );
    expect(
      checkProfile({
        ...base,
        values: [
          { column: 1, direction: 'import' },
          { column: 2, direction: 'import' },
        ],
      }).errors,
    ).toEqual([{ field: 'values[1].direction', reason: 'each direction has at most one column' }]);
  });

  test('hour-starting quarter-hours, the date and time in one column, a PPE column, Wh, lines before the header skipped', async () => {
    const profile = found(checkProfile(base).profile);
    const text = ['Raport OSD,,,', 'PPE,Początek,Import Wh,Export Wh', 'pl 01,01.05.2026 00:00,100,0', 'PL02,01.05.2026 00:15,5,7', 'PL02,="01.05.2026 23:45",1,2'].join('\r\n');
    const result = await parse(text, profile);
    expect(result.errors).toEqual([]);
    expect(result.readings.map((r) => [r.ppeCode, r.intervalStart.toISOString(), r.intervalMinutes, r.importWh, r.exportWh])).toEqual([
      ['PL01', '2026-04-30T22:00:00.000Z', 15, 100, 0],
      ['PL02', '2026-04-30T22:15:00.000Z', 15, 5, 7],
      ['PL02', '2026-05-01T21:45:00.000Z', 15, 1, 2],
    ]);
  });

  test('hour-ending hours on both DST days: 23 and 25 hours, the repeated hour in order', async () => {
    const profile = found(BUILTIN_PROFILES.find((p) => p.name === 'energa-moj-licznik'));
    const autumn = await parse(sample('energa-moj-licznik-2026-10-25.csv'), profile);
    expect(autumn.errors).toEqual([]);
    expect(new Set(autumn.readings.map((r) => r.intervalStart.getTime())).size).toBe(25);
    expect(autumn.readings[0]?.intervalStart.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    const spring = ['Data;Godzina;A+ [kWh];A- [kWh]', ...[1, 2, ...Array.from({ length: 21 }, (_, i) => i + 4)].map((h) => `2026-03-29;${String(h)}:00;0,5;0`)].join('\n');
    expect((await parse(spring, profile)).readings).toHaveLength(23);
    const gap = await parse('Data;Godzina;A+ [kWh];A- [kWh]\n2026-03-29;3:00;0,5;0\n', profile);
    expect(gap.errors[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/does not exist in Warsaw time/) as unknown });
  });

  test('the PGE sample reads with its built-in profile', async () => {
    const result = await parse(sample('pge-ebok-2026-05-04.csv'), found(BUILTIN_PROFILES.find((p) => p.name === 'pge-ebok')));
    expect(result.errors).toEqual([]);
    expect(result.readings).toHaveLength(24);
    expect(result.readings[23]?.intervalStart.toISOString()).toBe('2026-05-04T21:00:00.000Z');
  });

  test('lines that do not match are named with the column and why; a header without the columns lists what the profile reads', async () => {
    const profile = found(BUILTIN_PROFILES.find((p) => p.name === 'pge-ebok'));
    const result = await parse(
      ['Data;Godzina;Pobór [kWh];Oddanie [kWh]', '31.04.2026;1;1,0;0', '01.05.2026;25;1,0;0', '01.05.2026;0;1,0;0', '01.05.2026;2;1.5;0', '01.05.2026;3;;0'].join('\n'),
      profile,
    );
    expect(result.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [2, 'Data', expect.stringMatching(/not a day of the calendar written DD.MM.YYYY/)],
      [3, 'Godzina', expect.stringMatching(/1:00 to 24:00, the end of the interval/)],
      [4, 'Godzina', expect.stringMatching(/not a time of this profile/)],
      [5, 'Pobór [kWh]', expect.stringMatching(/decimal separator of this profile is ","/)],
      [6, 'Pobór [kWh]', expect.stringMatching(/is empty/)],
    ]);
    const header = await parse('Data;Zużycie\n', profile);
    expect(header.errors).toEqual([{ line: 1, reason: expect.stringMatching(/lacks "Godzina", "Pobór \[kWh\]", "Oddanie \[kWh\]": profile pge-ebok: ";"-separated/) as unknown }]);
  });
});
