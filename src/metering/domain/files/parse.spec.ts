import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import { kwhToWh } from './units.js';
import { type ParseOptions, parseMeteringFile } from './parse.js';

const parseText = (text: string | Buffer, options: ParseOptions) => parseMeteringFile(Readable.from([Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')]), options);

/** A Tauron file for one local day: 24 hour-ending rows per kind (the caller bends DST days). */
function tauronDay(date: string, labels: number[], kinds = ['pobór', 'oddanie'], crlf = true): string {
  const rows = ['Data;Strefa;Wartość kWh;Rodzaj'];
  for (const kind of kinds) for (const h of labels) rows.push(`${date} ${String(h)}:00;1;${kind === 'pobór' ? '0,5' : '0,125'};${kind}`);
  return rows.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
}

describe('kWh to Wh', () => {
  test('by string arithmetic, refusing fractions of a Wh and negatives', () => {
    expect(kwhToWh('0,001')).toBe(1);
    expect(kwhToWh('12,5')).toBe(12500);
    expect(kwhToWh(' 3.250 ')).toBe(3250);
    expect(kwhToWh('7')).toBe(7000);
    expect(kwhToWh('0,0001')).toMatch(/whole number of Wh/);
    expect(kwhToWh('-1,5')).toMatch(/negative/);
    expect(kwhToWh('abc')).toMatch(/not a number/);
    expect(kwhToWh('250000')).toBe(250_000_000);
    expect(kwhToWh('250000,001')).toMatch(/more than the maximum of 250000000 Wh/);
    expect(kwhToWh('9007199254740,991')).toMatch(/more than the maximum/);
  });
});

describe('Tauron eLicznik', () => {
  test('hour-ending rows: 1:00 is the first hour of the day, 24:00 the last', async () => {
    const labels = Array.from({ length: 24 }, (_, i) => i + 1);
    const result = await parseText(tauronDay('2026-05-01', labels), { format: 'tauron', ppeCode: 'pl 0001' });
    expect(result.errors).toEqual([]);
    expect(result.readings).toHaveLength(24);
    expect(result.readings[0]).toMatchObject({ ppeCode: 'PL0001', intervalStart: new Date('2026-04-30T22:00:00Z'), intervalMinutes: 60, importWh: 500, exportWh: 125 });
    expect(result.readings[23]?.intervalStart).toEqual(new Date('2026-05-01T21:00:00Z'));
  });

  test('readings may be taken one by one as they are parsed, none kept in the result', async () => {
    const labels = Array.from({ length: 24 }, (_, i) => i + 1);
    const taken: number[] = [];
    const result = await parseText(tauronDay('2026-05-01', labels), { format: 'tauron', ppeCode: 'PL0001', onReading: (r) => taken.push(r.intervalStart.getTime()) });
    expect(result.readings).toEqual([]);
    expect(result.readingCount).toBe(24);
    expect(taken).toHaveLength(24);
    expect(taken[0]).toBe(Date.parse('2026-04-30T22:00:00Z'));
  });

  test.each([
    ['2025-03-30', 23],
    ['2026-03-29', 23],
  ])('the spring day %s has %i hours and the missing hour is never invented', async (date, count) => {
    const labels = [1, 2, ...Array.from({ length: 21 }, (_, i) => i + 4)];
    const result = await parseText(tauronDay(date, labels), { format: 'tauron', ppeCode: 'P1' });
    expect(result.errors).toEqual([]);
    expect(result.readings).toHaveLength(count);
    const starts = result.readings.map((r) => r.intervalStart.getTime());
    expect(new Set(starts).size).toBe(count);
    starts.slice(1).forEach((start, i) => {
      expect(start - (starts[i] ?? Number.NaN)).toBe(3_600_000);
    });
    // the hour 02:00-03:00 does not exist: a row for it is an error with its line
    const bad = await parseText(tauronDay(date, [3], ['pobór']), { format: 'tauron', ppeCode: 'P1' });
    expect(bad.errors).toEqual([{ line: 2, field: 'Data', reason: expect.stringMatching(/does not exist/) as unknown }]);
  });

  test.each([
    ['2025-10-26', 25],
    ['2026-10-25', 25],
  ])('the autumn day %s has %i hours: the repeated hour is taken in order of appearance', async (date, count) => {
    const labels = [1, 2, 3, 3, ...Array.from({ length: 21 }, (_, i) => i + 4)];
    const result = await parseText(tauronDay(date, labels), { format: 'tauron', ppeCode: 'P1' });
    expect(result.errors).toEqual([]);
    expect(result.readings).toHaveLength(count);
    const starts = result.readings.map((r) => r.intervalStart.getTime());
    starts.slice(1).forEach((start, i) => {
      expect(start - (starts[i] ?? Number.NaN)).toBe(3_600_000);
    });
    const third = 'Data;Strefa;Wartość kWh;Rodzaj\n' + [1, 2, 3].map((v) => `${date} 3:00;1;${String(v)};pobór`).join('\n');
    const tooMany = await parseText(third, { format: 'tauron', ppeCode: 'P1' });
    expect(tooMany.errors).toEqual([{ line: 4, reason: expect.stringMatching(/twice with different values/) as unknown }]);
  });

  test('after balancing is chosen explicitly; newer column names and a leading space are understood', async () => {
    const text =
      'Data i godzina;Strefa; Wartosc[kWh/kvar];Rodzaj energii\n2026-05-01 1:00;1;1,000;pobór\n2026-05-01 1:00;1;0,400;pobrana po zbilansowaniu\n2026-05-01 1:00;1;0,000;oddana po zbilansowaniu\n';
    const before = await parseText(text, { format: 'tauron', ppeCode: 'P1' });
    expect(before.readings).toEqual([expect.objectContaining({ importWh: 1000, exportWh: 0 })]);
    const after = await parseText(text, { format: 'tauron', ppeCode: 'P1', balancing: 'after' });
    expect(after.readings).toEqual([expect.objectContaining({ importWh: 400, exportWh: 0 })]);
  });

  test('Windows-1250 and a UTF-8 BOM decode the same', async () => {
    const text = tauronDay('2026-05-01', [1, 2], ['pobór']);
    const cp1250 = await parseText(iconv.encode(text, 'win1250'), { format: 'tauron', ppeCode: 'P1' });
    const bom = await parseText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), { format: 'tauron', ppeCode: 'P1' });
    expect(cp1250.errors).toEqual([]);
    expect(cp1250.readings).toHaveLength(2);
    expect(bom.readings).toEqual(cp1250.readings);
  });

  test('every bad line is reported with its number and reason', async () => {
    const text =
      'Data;Strefa;Wartość kWh;Rodzaj\n2026-05-01 1:00;1;abc;pobór\n2026-05-01 25:00;1;1;pobór\n2026-05-01 2:00;1;-1;pobór\n2026-05-01 3:00;1;1;prąd\n2026-05-01 4:00;1;1;pobór\n2026-05-01 4:00;1;2;pobór\n';
    const result = await parseText(text, { format: 'tauron', ppeCode: 'P1' });
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 7]);
    expect(result.errors[4]?.reason).toMatch(/twice with different values/);
  });
});

describe('Enea eBOK', () => {
  const header =
    'Data;Wolumen energii elektrycznej pobranej z sieci przed bilansowaniem godzinowym;Wolumen energii elektrycznej oddanej do sieci przed bilansowaniem godzinowym;Wolumen energii elektrycznej pobranej z sieci po bilansowaniu godzinowym;Wolumen energii elektrycznej oddanej do sieci po bilansowaniu godzinowym';
  const row = (date: string, hour: number, values = ['"1,5"', '"0,25"', '"1,25"', '"0"']) => `"=""${date} ${String(hour).padStart(2, '0')}:59""";${values.join(';')}`;

  test('Excel-quoted hours: 10:59 is the hour 10:00-11:00; before balancing by default', async () => {
    const result = await parseText([header, row('2024-05-01', 10)].join('\r\n'), { format: 'enea', ppeCode: 'P2' });
    expect(result.errors).toEqual([]);
    expect(result.readings).toEqual([expect.objectContaining({ intervalStart: new Date('2024-05-01T08:00:00Z'), importWh: 1500, exportWh: 250 })]);
    const after = await parseText([header, row('2024-05-01', 10)].join('\n'), { format: 'enea', ppeCode: 'P2', balancing: 'after' });
    expect(after.readings[0]).toMatchObject({ importWh: 1250, exportWh: 0 });
  });

  test('the autumn day 2025-10-26 has 25 hours and the spring day 2026-03-29 has 23', async () => {
    const autumn = [header, ...[0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)].map((h) => row('2025-10-26', h))].join('\r\n');
    const a = await parseText(autumn, { format: 'enea', ppeCode: 'P2' });
    expect(a.errors).toEqual([]);
    expect(new Set(a.readings.map((r) => r.intervalStart.getTime())).size).toBe(25);
    const spring = [header, ...[0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)].map((h) => row('2026-03-29', h))].join('\r\n');
    const s = await parseText(spring, { format: 'enea', ppeCode: 'P2' });
    expect(s.errors).toEqual([]);
    expect(s.readings).toHaveLength(23);
    const gap = await parseText([header, row('2026-03-29', 2)].join('\n'), { format: 'enea', ppeCode: 'P2' });
    expect(gap.errors[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/does not exist/) as unknown });
  });

  test('the header variants of eBOK exports: pobranej/oddanej or pobrana/oddana, with or without "Wolumen energii"', async () => {
    const variants = [
      header,
      'Data;Wolumen energii pobranej przed bilansowaniem;Wolumen energii oddanej przed bilansowaniem;Wolumen energii pobranej po bilansowaniu;Wolumen energii oddanej po bilansowaniu',
      'Data;Energia pobrana z sieci przed bilansowaniem godzinowym;Energia oddana do sieci przed bilansowaniem godzinowym;Energia pobrana z sieci po bilansowaniu godzinowym;Energia oddana do sieci po bilansowaniu godzinowym',
      'Data;"Pobrana przed bilansowaniem [kWh]";"Oddana przed bilansowaniem [kWh]";"Pobrana po bilansowaniu [kWh]";"Oddana po bilansowaniu [kWh]"',
    ];
    for (const variant of variants) {
      const before = await parseText([variant, row('2024-05-01', 10)].join('\r\n'), { format: 'enea', ppeCode: 'P2' });
      expect(before.errors).toEqual([]);
      expect(before.readings[0]).toMatchObject({ importWh: 1500, exportWh: 250 });
      const after = await parseText([variant, row('2024-05-01', 10)].join('\r\n'), { format: 'enea', ppeCode: 'P2', balancing: 'after' });
      expect(after.readings[0]).toMatchObject({ importWh: 1250, exportWh: 0 });
    }
    const unknown = await parseText(['Data;Zużycie;Produkcja', row('2024-05-01', 10)].join('\n'), { format: 'enea', ppeCode: 'P2' });
    expect(unknown.errors).toEqual([
      {
        line: 1,
        reason: expect.stringMatching(/not an Enea eBOK header \(Data;Zużycie;Produkcja\).*Wolumen energii elektrycznej pobranej z sieci przed bilansowaniem godzinowym.*pobrana/) as unknown,
      },
    ]);
  });
});

describe('generic CSV', () => {
  test('Wh or kWh columns, instants with an offset, quality defaulting to measured', async () => {
    const wh = await parseText('ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality\nPL1,2026-05-01T00:00:00+02:00,15,100,0,estimated\nPL1,2026-05-01T00:15:00+02:00,15,90,5,\n', {
      format: 'generic',
    });
    expect(wh.errors).toEqual([]);
    expect(wh.readings.map((r) => [r.intervalStart.toISOString(), r.importWh, r.exportWh, r.quality])).toEqual([
      ['2026-04-30T22:00:00.000Z', 100, 0, 'estimated'],
      ['2026-04-30T22:15:00.000Z', 90, 5, 'measured'],
    ]);
    const kwh = await parseText('ppe_code,interval_start,interval_minutes,import_kwh,export_kwh\nPL1,2026-05-01T00:00:00Z,60,1.5,0.001\n', { format: 'generic' });
    expect(kwh.readings[0]).toMatchObject({ importWh: 1500, exportWh: 1 });
  });

  test('a local time without an offset, a bad interval and a negative value are line errors', async () => {
    const result = await parseText(
      'ppe_code,interval_start,interval_minutes,import_wh,export_wh\nPL1,2026-05-01T00:00:00,15,1,0\nPL1,2026-05-01T00:00:00Z,30,1,0\nPL1,2026-05-01T00:00:00Z,15,-1,0\n',
      { format: 'generic' },
    );
    expect(result.errors).toEqual([
      { line: 2, field: 'interval_start', reason: expect.any(String) as unknown },
      { line: 3, field: 'interval_minutes', reason: expect.any(String) as unknown },
      { line: 4, field: 'import_wh', reason: expect.stringMatching(/negative/) as unknown },
    ]);
    const header = await parseText('a,b\n1,2\n', { format: 'generic' });
    expect(header.errors[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/header lacks .*ppe_code,interval_start,interval_minutes,import_wh,export_wh/) as unknown });
  });

  test('dates off the calendar, 24:00, offsets beyond ±14:00, local times and values past the maximum are refused with the line', async () => {
    const rows = ['2026-02-30T00:00:00+01:00', '2026-11-31T00:00:00+01:00', '2026-05-01T24:00:00+02:00', '2026-05-01T10:00:00+25:00', '2026-05-01T10:00:00'].map((start) => `PL1,${start},15,1,0`);
    rows.push('PL1,2026-05-01T10:00:00Z,15,9007199254740991,0', 'PL1,2026-05-01T10:15:00Z,15,250000001,0', 'PL1,2026-05-01T10:30:00Z,15,250000000,0');
    const result = await parseText(['ppe_code,interval_start,interval_minutes,import_wh,export_wh', ...rows].join('\n'), { format: 'generic' });
    expect(result.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [2, 'interval_start', expect.stringMatching(/not a day of the calendar/)],
      [3, 'interval_start', expect.stringMatching(/not a day of the calendar/)],
      [4, 'interval_start', expect.stringMatching(/00 to 23/)],
      [5, 'interval_start', expect.stringMatching(/offset must be between/)],
      [6, 'interval_start', expect.stringMatching(/has no offset/)],
      [7, 'import_wh', expect.stringMatching(/maximum of 250000000 Wh/)],
      [8, 'import_wh', expect.stringMatching(/maximum/)],
    ]);
    expect(result.readings).toHaveLength(1);
  });
});
