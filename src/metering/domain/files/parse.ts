// Metering files: our generic CSV, Tauron eLicznik and Enea eBOK exports. The parse
// streams through csv-parse; every bad line is reported with its number and reason
// (the first 100 kept, all counted), and the caller records nothing if there is one.
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { decodeToText } from './decode.js';
import { FaultTally } from '../error-summary.js';
import { INSTANT_ACCEPTED, parseInstant } from '../../../shared/instant.js';
import { isCalendarDate, kwhToWh, warsawWallTimeInstants, whInteger } from './units.js';
import { type ColumnRef, describeProfile, type ImportProfile } from './profile.js';
import { normalisePpeCode } from '../../../shared/ppe-code.js';

export type Quality = 'measured' | 'estimated' | 'substituted';

export interface FileReading {
  line: number;
  ppeCode: string;
  intervalStart: Date;
  intervalMinutes: number;
  importWh: number;
  exportWh: number;
  quality: Quality;
}

export interface LineError {
  line: number;
  field?: string;
  reason: string;
}

export interface ParseResult {
  /** Empty when the caller took them one by one (onReading). */
  readings: FileReading[];
  readingCount: number;
  errors: LineError[];
  errorCount: number;
  /** Every error, by reason: for a report that says a shared reason once. */
  tally: FaultTally;
  linesRead: number;
}

export interface ParseOptions {
  format: 'generic' | 'tauron' | 'enea' | 'profile';
  /** The import profile of a `profile` file. */
  profile?: ImportProfile;
  /** The PPE of a DSO file (one PPE per file). */
  ppeCode?: string;
  /** DSO files: values before (default) or after hourly balancing. */
  balancing?: 'before' | 'after';
  maxErrors?: number;
  maxRows?: number;
  /** Each good reading as it is read, instead of all of them in the result: memory stays flat. */
  onReading?: (reading: FileReading) => void;
}

export const MAX_ROWS = 5_000_000;

interface Row {
  cells: string[];
  line: number;
}

class Collector {
  readonly readings: FileReading[] = [];
  readonly errors: LineError[] = [];
  readonly tally = new FaultTally();
  errorCount = 0;
  readingCount = 0;
  constructor(
    private readonly maxErrors: number,
    private readonly onReading?: (reading: FileReading) => void,
  ) {}
  emit(reading: FileReading) {
    this.readingCount++;
    if (this.onReading) this.onReading(reading);
    else this.readings.push(reading);
  }
  error(line: number, reason: string, field?: string) {
    this.errorCount++;
    this.tally.add(field ? { line, field, reason } : { line, reason });
    if (this.errors.length < this.maxErrors) this.errors.push(field ? { line, field, reason } : { line, reason });
  }
}

/** Header names compared without case, spaces or Polish diacritics. */
export function headerKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'l')
    .toLowerCase()
    .replace(/[^a-z0-9[\]/]/g, '');
}

async function* rows(input: Readable, delimiter: string, encoding?: 'utf8' | 'win1250'): AsyncGenerator<Row> {
  const parser = decodeToText(input, encoding).pipe(parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, bom: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { cells: record, line: info.lines };
  }
}

export async function parseMeteringFile(input: Readable, options: ParseOptions): Promise<ParseResult> {
  const collector = new Collector(options.maxErrors ?? 100, options.onReading);
  const maxRows = options.maxRows ?? MAX_ROWS;
  let linesRead = 0;
  const counted = async function* (source: AsyncGenerator<Row>) {
    for await (const row of source) {
      linesRead = row.line;
      if (row.line > maxRows + 1) throw new Error(`the file has more than ${String(maxRows)} rows`);
      yield row;
    }
  };
  if (options.format === 'generic') await parseGeneric(counted(rows(input, ',')), collector);
  else if (options.format === 'tauron') await parseTauron(counted(rows(input, ';')), collector, options);
  else if (options.format === 'profile') {
    const profile = options.profile;
    if (!profile) throw new Error('a profile file needs its import profile');
    const encoding = profile.encoding === 'utf-8' ? 'utf8' : profile.encoding === 'windows-1250' ? 'win1250' : undefined;
    await parseProfile(counted(rows(input, profile.delimiter, encoding)), collector, profile, options);
  } else await parseEnea(counted(rows(input, ';')), collector, options);
  return { readings: collector.readings, readingCount: collector.readingCount, errors: collector.errors, errorCount: collector.errorCount, tally: collector.tally, linesRead };
}

// --- generic CSV ---------------------------------------------------------------------
// ppe_code,interval_start,interval_minutes,import_wh,export_wh[,quality]
// or with import_kwh,export_kwh (decimal point). interval_start: ISO 8601 with an offset.

const QUALITIES: Quality[] = ['measured', 'estimated', 'substituted'];
/** What the generic format accepts, said in its errors as in the README. */
export const GENERIC_ACCEPTS = `the generic CSV is comma-separated with the header ppe_code,interval_start,interval_minutes,import_wh,export_wh[,quality] (or import_kwh,export_kwh with a decimal point and at most 3 decimals); interval_start is ${INSTANT_ACCEPTED}`;

async function parseGeneric(source: AsyncGenerator<Row>, out: Collector) {
  let columns: Record<string, number> | undefined;
  let kwh = false;
  for await (const { cells, line } of source) {
    if (!columns) {
      const named: Record<string, number> = Object.fromEntries(cells.map((c, i) => [c.trim().toLowerCase(), i]));
      columns = named;
      kwh = 'import_kwh' in named;
      const required = ['ppe_code', 'interval_start', 'interval_minutes', kwh ? 'import_kwh' : 'import_wh', kwh ? 'export_kwh' : 'export_wh'];
      const missing = required.filter((c) => !(c in named));
      if (missing.length > 0) {
        out.error(line, `the header lacks ${missing.join(', ')}: ${GENERIC_ACCEPTS}`);
        return;
      }
      continue;
    }
    const header = columns;
    const cell = (name: string) => {
      const at = header[name];
      return (at === undefined ? '' : (cells[at] ?? '')).trim();
    };
    const before = out.errorCount;
    const ppeCode = normalisePpeCode(cell('ppe_code'));
    if (!ppeCode) out.error(line, 'is empty', 'ppe_code');
    const startText = cell('interval_start');
    const startMs = parseInstant(startText);
    const start = typeof startMs === 'number' ? new Date(startMs) : null;
    if (typeof startMs === 'string') out.error(line, startMs, 'interval_start');
    const minutesText = cell('interval_minutes');
    const minutes = /^\d+$/.test(minutesText) ? Number(minutesText) : NaN;
    // a month (heat) is checked against the calendar with the registry checks
    if (![15, 60, 1440].includes(minutes) && !(Number.isInteger(minutes) && minutes >= 28 * 1440 && minutes <= 31 * 1440 + 60)) {
      out.error(line, `"${minutesText}" is not 15, 60, 1440 or a whole month in minutes`, 'interval_minutes');
    }
    const importWh = kwh ? kwhToWh(cell('import_kwh')) : whInteger(cell('import_wh'));
    const exportWh = kwh ? kwhToWh(cell('export_kwh')) : whInteger(cell('export_wh'));
    if (typeof importWh === 'string') out.error(line, importWh, kwh ? 'import_kwh' : 'import_wh');
    if (typeof exportWh === 'string') out.error(line, exportWh, kwh ? 'export_kwh' : 'export_wh');
    const qualityText = 'quality' in columns ? cell('quality') || 'measured' : 'measured';
    if (!QUALITIES.includes(qualityText as Quality)) out.error(line, `"${qualityText}" is not measured, estimated or substituted`, 'quality');
    if (out.errorCount > before || start === null) continue;
    out.emit({ line, ppeCode, intervalStart: start, intervalMinutes: minutes, importWh: importWh as number, exportWh: exportWh as number, quality: qualityText as Quality });
  }
  if (!columns) out.error(1, 'the file is empty');
}

// --- hour-based DSO files ------------------------------------------------------------

interface HourValue {
  line: number;
  start: Date;
  importWh?: number;
  exportWh?: number;
}

/** Resolves a local hour (date, hour 0..23) to its UTC start; the repeated autumn hour by order of appearance. */
class HourResolver {
  private readonly seen = new Map<string, number>();
  resolve(kind: string, date: string, hour: number, minute = 0): Date | string {
    const instants = warsawWallTimeInstants(date, hour, minute);
    if (instants.length === 0) return `${date} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} does not exist in Warsaw time (the spring DST change)`;
    const key = `${kind}|${date}|${String(hour)}|${String(minute)}`;
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    // A further appearance is the same interval again: identical values are kept once,
    // different ones are an error (see setValue).
    return instants[Math.min(occurrence, instants.length - 1)] ?? instants[0] ?? `${date} ${String(hour)}:${String(minute)} has no instant`;
  }
}

function combineHours(values: Map<number, HourValue>, kinds: Set<'import' | 'export'>, ppeCode: string, out: Collector) {
  for (const value of [...values.values()].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    // A file with both kinds must have both for every hour: a missing value is never invented.
    if (kinds.has('import') && value.importWh === undefined) {
      out.error(value.line, `no import (pobór) value for the hour starting ${value.start.toISOString()}`);
      continue;
    }
    if (kinds.has('export') && value.exportWh === undefined) {
      out.error(value.line, `no export (oddanie) value for the hour starting ${value.start.toISOString()}`);
      continue;
    }
    out.emit({ line: value.line, ppeCode, intervalStart: value.start, intervalMinutes: 60, importWh: value.importWh ?? 0, exportWh: value.exportWh ?? 0, quality: 'measured' });
  }
}

function setValue(values: Map<number, HourValue>, start: Date, line: number, kind: 'import' | 'export', wh: number, out: Collector) {
  const value = values.get(start.getTime()) ?? { line, start };
  const field = kind === 'import' ? 'importWh' : 'exportWh';
  const previous = value[field];
  if (previous !== undefined && previous !== wh) {
    out.error(line, `the hour starting ${start.toISOString()} appears twice with different values`);
    return;
  }
  value[field] = wh;
  values.set(start.getTime(), value);
}

// Tauron eLicznik: Data;Strefa;Wartość kWh;Rodzaj — Data is the hour ENDING at that local time (1..24).
export const TAURON_ACCEPTS =
  'a Tauron eLicznik export is ;-separated with the columns Data (or Data i godzina), Strefa, Wartość kWh (or Wartosc[kWh/kvar]) and Rodzaj (or Rodzaj energii); Data is the hour ending at that local time, 2024-05-01 1:00 to 2024-05-01 24:00';
const TAURON_KINDS: Record<string, { kind: 'import' | 'export'; balancing: 'before' | 'after' }> = {
  pobor: { kind: 'import', balancing: 'before' },
  oddanie: { kind: 'export', balancing: 'before' },
  pobranapozbilansowaniu: { kind: 'import', balancing: 'after' },
  oddanapozbilansowaniu: { kind: 'export', balancing: 'after' },
};

async function parseTauron(source: AsyncGenerator<Row>, out: Collector, options: ParseOptions) {
  const ppeCode = normalisePpeCode(options.ppeCode ?? '');
  const balancing = options.balancing ?? 'before';
  let columns: { date: number; value: number; kind: number } | undefined;
  const values = new Map<number, HourValue>();
  const kinds = new Set<'import' | 'export'>();
  const hours = new HourResolver();
  for await (const { cells, line } of source) {
    if (!columns) {
      const keys = cells.map(headerKey);
      const date = keys.findIndex((k) => k === 'data' || k === 'dataigodzina');
      const value = keys.findIndex((k) => k.startsWith('wartosc'));
      const kind = keys.findIndex((k) => k === 'rodzaj' || k === 'rodzajenergii');
      if (date < 0 || value < 0 || kind < 0) {
        out.error(line, `not a Tauron eLicznik header: ${TAURON_ACCEPTS}`);
        return;
      }
      columns = { date, value, kind };
      continue;
    }
    const kindText = headerKey(cells[columns.kind] ?? '');
    const kind = TAURON_KINDS[kindText];
    if (!kind) {
      out.error(line, `"${(cells[columns.kind] ?? '').trim()}" is not pobór, oddanie, pobrana po zbilansowaniu or oddana po zbilansowaniu`, 'Rodzaj');
      continue;
    }
    if (kind.balancing !== balancing) continue;
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{1,2}):(\d{2})(?::\d{2})?$/.exec((cells[columns.date] ?? '').trim());
    const [, day, hourText, minuteText] = match ?? [];
    if (day === undefined || hourText === undefined || !isCalendarDate(day) || minuteText !== '00' || Number(hourText) < 1 || Number(hourText) > 24) {
      out.error(line, `"${(cells[columns.date] ?? '').trim()}" is not an hour-ending time like 2024-05-01 1:00 (1:00 to 24:00 of a day of the calendar)`, 'Data');
      continue;
    }
    const wh = kwhToWh(cells[columns.value] ?? '');
    if (typeof wh === 'string') {
      out.error(line, wh, 'Wartość kWh');
      continue;
    }
    // hour ending H is the hour starting H-1, on the same calendar day (24:00 ends the day)
    const start = hours.resolve(kind.kind, day, Number(hourText) - 1);
    if (typeof start === 'string') {
      out.error(line, start, 'Data');
      continue;
    }
    kinds.add(kind.kind);
    setValue(values, start, line, kind.kind, wh, out);
  }
  if (!columns) {
    out.error(1, 'the file is empty');
    return;
  }
  combineHours(values, kinds, ppeCode, out);
}

// Enea eBOK: Data;pobrana przed;oddana przed;pobrana po;oddana po — Data like ="2024-05-01 10:59" is the hour 10:00–11:00.
export const ENEA_ACCEPTS =
  'an Enea eBOK export is ;-separated with the column Data and a column for energy drawn and one for energy fed in, ' +
  'before and after hourly balancing; accepted headers: "Wolumen energii elektrycznej pobranej z sieci przed bilansowaniem godzinowym", ' +
  '"... oddanej do sieci przed bilansowaniem godzinowym", "... pobranej z sieci po bilansowaniu godzinowym", "... oddanej do sieci po bilansowaniu godzinowym", ' +
  'with or without "Wolumen energii", with "pobrana"/"oddana" in place of "pobranej"/"oddanej" (e.g. "Energia pobrana przed bilansowaniem"); ' +
  'Data like ="2024-05-01 10:59" is the hour 10:00 to 11:00';
async function parseEnea(source: AsyncGenerator<Row>, out: Collector, options: ParseOptions) {
  const ppeCode = normalisePpeCode(options.ppeCode ?? '');
  const balancing = options.balancing ?? 'before';
  let columns: { date: number; import: number; export: number } | undefined;
  const values = new Map<number, HourValue>();
  const hours = new HourResolver();
  for await (const { cells, line } of source) {
    if (!columns) {
      const keys = cells.map(headerKey);
      // "pobranej" or "pobrana", "oddanej" or "oddana"; "przed" or "po (z)bilansowaniu"; "Wolumen energii ..." or not
      const when = (k: string) => (k.includes('przed') ? 'before' : k.includes('pobilansowaniu') || k.includes('pozbilansowaniu') ? 'after' : undefined);
      const find = (direction: string) => keys.findIndex((k) => k.includes(direction) && when(k) === balancing);
      const date = keys.findIndex((k) => k === 'data');
      const imp = find('pobran');
      const exp = find('oddan');
      if (date < 0 || imp < 0 || exp < 0) {
        out.error(
          line,
          `not an Enea eBOK header (${cells
            .map((c) => c.trim())
            .join(';')
            .slice(0, 300)}): ${ENEA_ACCEPTS}`,
        );
        return;
      }
      columns = { date, import: imp, export: exp };
      continue;
    }
    const dateText = (cells[columns.date] ?? '').trim().replace(/^="?/, '').replace(/"$/, '').trim();
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}):59$/.exec(dateText);
    const [, day, hourText] = match ?? [];
    if (day === undefined || hourText === undefined || !isCalendarDate(day) || Number(hourText) > 23) {
      out.error(line, `"${dateText}" is not an hour like 2024-05-01 10:59 (00:59 to 23:59 of a day of the calendar)`, 'Data');
      continue;
    }
    const importWh = kwhToWh((cells[columns.import] ?? '').replace(/"/g, ''));
    const exportWh = kwhToWh((cells[columns.export] ?? '').replace(/"/g, ''));
    if (typeof importWh === 'string') out.error(line, importWh, 'pobrana');
    if (typeof exportWh === 'string') out.error(line, exportWh, 'oddana');
    if (typeof importWh === 'string' || typeof exportWh === 'string') continue;
    const start = hours.resolve('row', day, Number(hourText));
    if (typeof start === 'string') {
      out.error(line, start, 'Data');
      continue;
    }
    setValue(values, start, line, 'import', importWh, out);
    setValue(values, start, line, 'export', exportWh, out);
  }
  if (!columns) {
    out.error(1, 'the file is empty');
    return;
  }
  combineHours(values, new Set(['import', 'export']), ppeCode, out);
}

// --- import profiles -----------------------------------------------------------------

const DATE_PATTERNS: Record<ImportProfile['time']['dateFormat'], RegExp> = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/,
  'DD.MM.YYYY': /^(?<d>\d{2})\.(?<m>\d{2})\.(?<y>\d{4})$/,
  'DD-MM-YYYY': /^(?<d>\d{2})-(?<m>\d{2})-(?<y>\d{4})$/,
  'DD/MM/YYYY': /^(?<d>\d{2})\/(?<m>\d{2})\/(?<y>\d{4})$/,
  'YYYY.MM.DD': /^(?<y>\d{4})\.(?<m>\d{2})\.(?<d>\d{2})$/,
};
const TIME = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?$/;
const RANGE = /^(\d{1,2}:\d{2})(?::\d{2})?\s*-\s*(\d{1,2}:\d{2})(?::\d{2})?$/;
/** A profile's column names compared without case, blanks or Polish diacritics (signs such as A+ and A- kept). */
const columnKey = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .replace(/\s+/g, '');
/** A cell without Excel's ="..." quoting and surrounding blanks. */
const bare = (cell: string | undefined) => (cell ?? '').trim().replace(/^="?/, '').replace(/"$/, '').trim();

function profileDate(text: string, format: ImportProfile['time']['dateFormat']): string | undefined {
  const m = DATE_PATTERNS[format].exec(text);
  if (!m?.groups) return undefined;
  const iso = `${String(m.groups.y)}-${String(m.groups.m)}-${String(m.groups.d)}`;
  return isCalendarDate(iso) ? iso : undefined;
}

function profileWh(text: string, profile: ImportProfile): number | string {
  const value = bare(text).replace(/\s/g, '');
  if (value === '') return 'is empty (a missing value is never invented)';
  if (profile.unit === 'Wh') return whInteger(value);
  const other = profile.decimalSeparator === ',' ? '.' : ',';
  if (value.includes(other)) return `"${value}": the decimal separator of this profile is "${profile.decimalSeparator}"`;
  return kwhToWh(value);
}

async function parseProfile(source: AsyncGenerator<Row>, out: Collector, profile: ImportProfile, options: ParseOptions) {
  const interval = profile.time.intervalMinutes;
  const fixedPpe = normalisePpeCode(options.ppeCode ?? '');
  const hours = new HourResolver();
  let index: ((ref: ColumnRef) => number) | undefined = profile.headerRow === 0 ? (ref) => (ref as number) - 1 : undefined;
  let rowsSeen = 0;
  const name = (ref: ColumnRef) => (typeof ref === 'number' ? `column ${String(ref)}` : ref);
  for await (const { cells, line } of source) {
    rowsSeen++;
    if (!index) {
      if (line < profile.headerRow) continue;
      const keys = cells.map((c) => columnKey(bare(c)));
      const find = (ref: ColumnRef) => (typeof ref === 'number' ? ref - 1 : keys.indexOf(columnKey(ref)));
      const refs = [
        profile.time.timeColumn,
        ...(profile.time.dateColumn !== undefined ? [profile.time.dateColumn] : []),
        ...(profile.ppeColumn !== undefined ? [profile.ppeColumn] : []),
        ...profile.values.map((v) => v.column),
      ];
      const missing = refs.filter((ref) => find(ref) < 0 || find(ref) >= cells.length);
      if (missing.length > 0) {
        out.error(line, `the header (${cells.map(bare).join(profile.delimiter).slice(0, 300)}) lacks ${missing.map((m) => `"${name(m)}"`).join(', ')}: ${describeProfile(profile)}`);
        return;
      }
      index = find;
      continue;
    }
    const timeText = bare(cells[index(profile.time.timeColumn)]);
    let dateText: string;
    let clock: string;
    if (profile.time.dateColumn !== undefined) {
      dateText = bare(cells[index(profile.time.dateColumn)]);
      clock = timeText;
    } else {
      const split = /^(\S+)[ T](.+)$/.exec(timeText);
      dateText = split?.[1] ?? timeText;
      clock = split?.[2]?.trim() ?? '';
    }
    const date = profileDate(dateText, profile.time.dateFormat);
    const timeField = name(profile.time.dateColumn ?? profile.time.timeColumn);
    if (!date) {
      out.error(line, `"${dateText}" is not a day of the calendar written ${profile.time.dateFormat}`, timeField);
      continue;
    }
    // a range "10:00-11:00" gives its start whatever the convention
    const range = RANGE.exec(clock);
    const time = TIME.exec(range?.[1] ?? clock);
    const hour = time ? Number(time[1]) : NaN;
    const minute = time ? Number(time[2] ?? '0') : NaN;
    const endsInterval = profile.time.convention === 'hour-ending' && !range;
    const startMinutes = hour * 60 + minute - (endsInterval ? interval : 0);
    const lastStart = 24 * 60 - interval;
    if (!time || minute > 59 || (time[3] !== undefined && time[3] !== '00') || minute % interval !== 0 || startMinutes < 0 || startMinutes > lastStart) {
      const accepted = endsInterval
        ? `${String(Math.floor(interval / 60))}:${String(interval % 60).padStart(2, '0')} to 24:00, the end of the interval`
        : `0:00 to ${String(Math.floor(lastStart / 60))}:${String(lastStart % 60).padStart(2, '0')}, the start of the interval`;
      out.error(line, `"${clock}" is not a time of this profile (${String(interval)}-minute intervals, ${accepted})`, name(profile.time.timeColumn));
      continue;
    }
    const ppeCode = profile.ppeColumn !== undefined ? normalisePpeCode(bare(cells[index(profile.ppeColumn)])) : fixedPpe;
    if (!ppeCode) {
      out.error(line, 'is empty', profile.ppeColumn === undefined ? undefined : name(profile.ppeColumn));
      continue;
    }
    const whs = { import: 0, export: 0 };
    let bad = false;
    for (const v of profile.values) {
      const wh = profileWh(cells[index(v.column)] ?? '', profile);
      if (typeof wh === 'string') {
        out.error(line, wh, name(v.column));
        bad = true;
      } else whs[v.direction] = wh;
    }
    if (bad) continue;
    const start = hours.resolve(ppeCode, date, Math.floor(startMinutes / 60), startMinutes % 60);
    if (typeof start === 'string') {
      out.error(line, start, timeField);
      continue;
    }
    out.emit({ line, ppeCode, intervalStart: start, intervalMinutes: interval, importWh: whs.import, exportWh: whs.export, quality: 'measured' });
  }
  if (rowsSeen === 0) out.error(1, 'the file is empty');
  else if (!index) out.error(1, `the file has fewer than ${String(profile.headerRow)} lines: no header: ${describeProfile(profile)}`);
}
