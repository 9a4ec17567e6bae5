// Import profiles: a DSO's CSV export described as data (delimiter, decimal separator,
// encoding, header row, time columns and convention, PPE column, unit, value columns),
// so that any DSO's export is read without code changes. The definition is checked
// here (pure); the parse is in parse.ts.
import type { FieldError } from '../../../shared/domain-error.js';

/** A column by its header name (compared without case, spaces or diacritics) or its 1-based number. */
export type ColumnRef = string | number;

export interface ImportProfile {
  name: string;
  description?: string;
  delimiter: ';' | ',' | '\t' | '|';
  decimalSeparator: ',' | '.';
  encoding: 'auto' | 'utf-8' | 'windows-1250';
  /** The line holding the column names (lines before it are skipped); 0: no header, columns by number. */
  headerRow: number;
  time: {
    /** hour-ending: a row's time is the end of its interval (1:00 is 00:00-01:00, 24:00 ends the day); hour-starting: its start. */
    convention: 'hour-ending' | 'hour-starting';
    intervalMinutes: 15 | 60;
    /** The date in a column of its own; without it timeColumn holds date and time. */
    dateColumn?: ColumnRef;
    timeColumn: ColumnRef;
    dateFormat: (typeof DATE_FORMATS)[number];
  };
  /** The PPE code of each row; without it the file is of one PPE, given on upload (ppeCode). */
  ppeColumn?: ColumnRef;
  unit: 'kWh' | 'Wh';
  values: { column: ColumnRef; direction: 'import' | 'export' }[];
}

export const DATE_FORMATS = ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD-MM-YYYY', 'DD/MM/YYYY', 'YYYY.MM.DD'] as const;
export const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const MAX_SAMPLE_BYTES = 256 * 1024;

const KEYS = ['name', 'description', 'delimiter', 'decimalSeparator', 'encoding', 'headerRow', 'time', 'ppeColumn', 'unit', 'values'];
const TIME_KEYS = ['convention', 'intervalMinutes', 'dateColumn', 'timeColumn', 'dateFormat'];

function column(errors: FieldError[], field: string, value: unknown, byNumberOnly: boolean): value is ColumnRef {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 200) return true;
  if (typeof value === 'string' && value.trim().length > 0 && value.length <= 200 && !byNumberOnly) return true;
  errors.push({ field, reason: byNumberOnly ? 'must be a column number from 1 (the profile has no header row)' : 'must be a header name or a column number from 1' });
  return false;
}

/** A C0 control character or DEL (a tab or line break included). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return true;
  }
  return false;
}

/** The definition checked field by field; every bad field named. Defaults: encoding auto, headerRow 1, unit kWh. */
export function checkProfile(body: unknown): { profile?: ImportProfile; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { errors: [{ field: 'body', reason: 'must be an object' }] };
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!KEYS.includes(key) && key !== 'sample') errors.push({ field: key, reason: 'is not a field of an import profile' });
  if (typeof b.name !== 'string' || !PROFILE_NAME.test(b.name)) errors.push({ field: 'name', reason: 'must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter or digit' });
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 500 || hasControlCharacter(b.description)))
    errors.push({ field: 'description', reason: 'must be text of at most 500 characters without control characters' });
  if (![';', ',', '\t', '|'].includes(b.delimiter as string)) errors.push({ field: 'delimiter', reason: 'must be ";", ",", "|" or a tab' });
  if (![',', '.'].includes(b.decimalSeparator as string)) errors.push({ field: 'decimalSeparator', reason: 'must be "," or "."' });
  if (b.decimalSeparator === b.delimiter) errors.push({ field: 'decimalSeparator', reason: 'must differ from the delimiter' });
  const encoding = b.encoding ?? 'auto';
  if (!['auto', 'utf-8', 'windows-1250'].includes(encoding as string)) errors.push({ field: 'encoding', reason: 'must be auto, utf-8 or windows-1250' });
  const headerRow = b.headerRow ?? 1;
  if (typeof headerRow !== 'number' || !Number.isInteger(headerRow) || headerRow < 0 || headerRow > 50)
    errors.push({ field: 'headerRow', reason: 'must be the number of the header line (1 to 50), or 0 for none' });
  const byNumber = headerRow === 0;
  const unit = b.unit ?? 'kWh';
  if (unit !== 'kWh' && unit !== 'Wh') errors.push({ field: 'unit', reason: 'must be kWh or Wh' });
  const timeValue = b.time;
  const time = typeof timeValue === 'object' && timeValue !== null && !Array.isArray(timeValue) ? (timeValue as Record<string, unknown>) : undefined;
  if (!time) {
    errors.push({ field: 'time', reason: 'must be an object: convention, intervalMinutes, timeColumn, dateColumn (optional), dateFormat' });
  } else {
    for (const key of Object.keys(time)) if (!TIME_KEYS.includes(key)) errors.push({ field: `time.${key}`, reason: 'is not a field of time' });
    if (time.convention !== 'hour-ending' && time.convention !== 'hour-starting') errors.push({ field: 'time.convention', reason: 'must be hour-ending or hour-starting' });
    if (time.intervalMinutes !== 15 && time.intervalMinutes !== 60) errors.push({ field: 'time.intervalMinutes', reason: 'must be 15 or 60' });
    column(errors, 'time.timeColumn', time.timeColumn, byNumber);
    if (time.dateColumn !== undefined) column(errors, 'time.dateColumn', time.dateColumn, byNumber);
    if (!(DATE_FORMATS as readonly unknown[]).includes(time.dateFormat ?? 'YYYY-MM-DD')) errors.push({ field: 'time.dateFormat', reason: `must be one of ${DATE_FORMATS.join(', ')}` });
  }
  if (b.ppeColumn !== undefined) column(errors, 'ppeColumn', b.ppeColumn, byNumber);
  const values = b.values;
  if (!Array.isArray(values) || values.length < 1 || values.length > 2) {
    errors.push({ field: 'values', reason: 'must list 1 or 2 value columns: [{ column, direction: import|export }]' });
  } else {
    values.forEach((v: unknown, i) => {
      if (typeof v !== 'object' || v === null) return errors.push({ field: `values[${String(i)}]`, reason: 'must be { column, direction }' });
      const value = v as Record<string, unknown>;
      column(errors, `values[${String(i)}].column`, value.column, byNumber);
      if (value.direction !== 'import' && value.direction !== 'export') errors.push({ field: `values[${String(i)}].direction`, reason: 'must be import (pobór) or export (oddanie)' });
      for (const key of Object.keys(value)) if (key !== 'column' && key !== 'direction') errors.push({ field: `values[${String(i)}].${key}`, reason: 'is not a field of a value column' });
    });
    if (values.length === 2 && (values[0] as { direction?: unknown } | null)?.direction === (values[1] as { direction?: unknown } | null)?.direction) {
      errors.push({ field: 'values[1].direction', reason: 'each direction has at most one column' });
    }
  }
  // no time object is an error above
  if (errors.length > 0 || !time) return { errors };
  const t = time;
  const profile: ImportProfile = {
    name: b.name as string,
    ...(b.description !== undefined ? { description: b.description as string } : {}),
    delimiter: b.delimiter as ImportProfile['delimiter'],
    decimalSeparator: b.decimalSeparator as ImportProfile['decimalSeparator'],
    encoding: encoding as ImportProfile['encoding'],
    headerRow: headerRow as number,
    time: {
      convention: t.convention as ImportProfile['time']['convention'],
      intervalMinutes: t.intervalMinutes as 15 | 60,
      ...(t.dateColumn !== undefined ? { dateColumn: t.dateColumn as ColumnRef } : {}),
      timeColumn: t.timeColumn as ColumnRef,
      dateFormat: (t.dateFormat ?? 'YYYY-MM-DD') as ImportProfile['time']['dateFormat'],
    },
    ...(b.ppeColumn !== undefined ? { ppeColumn: b.ppeColumn as ColumnRef } : {}),
    unit: unit as 'kWh' | 'Wh',
    values: (values as { column: ColumnRef; direction: 'import' | 'export' }[]).map((v) => ({ column: v.column, direction: v.direction })),
  };
  return { profile, errors: [] };
}

/** What a profile accepts, in words, for its errors. */
export function describeProfile(p: ImportProfile): string {
  const col = (c: ColumnRef) => (typeof c === 'number' ? `column ${String(c)}` : `"${c}"`);
  const delimiter = p.delimiter === '\t' ? 'tab' : `"${p.delimiter}"`;
  const when =
    p.time.dateColumn !== undefined
      ? `the date (${p.time.dateFormat}) in ${col(p.time.dateColumn)} and the time in ${col(p.time.timeColumn)}`
      : `date (${p.time.dateFormat}) and time in ${col(p.time.timeColumn)}`;
  return (
    `profile ${p.name}: ${delimiter}-separated, ${p.headerRow === 0 ? 'no header' : `the header on line ${String(p.headerRow)}`}, ${when}, ` +
    `${String(p.time.intervalMinutes)}-minute intervals, the time ${p.time.convention === 'hour-ending' ? 'ending' : 'starting'} its interval (local Warsaw time), ` +
    `${p.ppeColumn !== undefined ? `the PPE in ${col(p.ppeColumn)}` : 'one PPE a file (ppeCode)'}, ` +
    `values in ${p.unit}${p.unit === 'kWh' ? ` with a decimal "${p.decimalSeparator}" (at most 3 decimals)` : ' (whole numbers)'}: ` +
    p.values.map((v) => `${v.direction} in ${col(v.column)}`).join(', ')
  );
}
