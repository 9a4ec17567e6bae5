// A DSO file's report in people's words: what was recorded, or why the file was refused
// with each bad line (number and reason). The parsers' reasons are English sentences for
// the API; here each becomes a translated reason, with the offending value quoted.
import type { ImportReport } from '../../../metering/commands/readings-recorder.js';
import { type Format, t, type TextKey } from '../../domain/i18n.js';

export interface FileReportJson {
  ok: boolean;
  title: string;
  summary: string[];
  bad: { line: string; reason: string }[];
  more: string | null;
}

const REASONS: [RegExp, TextKey][] = [
  [/negative/i, 'reasonNegative'],
  [/twice|duplicate/i, 'reasonDuplicate'],
  [/header/i, 'reasonHeader'],
  [/unknown metering point|not assigned|unknown ppe/i, 'reasonUnknownPpe'],
  [/ppeCode|ppe code/i, 'reasonPpeRequired'],
  [/pobór|oddanie|direction|kind of energy/i, 'reasonDirection'],
  [/whole number|not a number|decimal|kWh|maximum|too large/i, 'reasonNumber'],
  [/profile/i, 'reasonProfile'],
  [/does not exist|instant|hour|date|time|grid|calendar|day/i, 'reasonDate'],
  [/columns?/i, 'reasonColumns'],
];

export function fileReason(f: Format, reason: string): string {
  const key = REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? 'reasonOther';
  const quoted = /"([^"]{0,60})"/.exec(reason)?.[1];
  return quoted !== undefined ? `${t(f.lang, key)}: „${quoted}”` : t(f.lang, key);
}

export function acceptedReport(f: Format, report: ImportReport): FileReportJson {
  const lang = f.lang;
  return {
    ok: true,
    title: t(lang, 'importAccepted'),
    summary: [
      `${t(lang, 'importLines')}: ${f.int(report.linesRead)}`,
      `${t(lang, 'importNew')}: ${f.int(report.new)}`,
      `${t(lang, 'importUnchanged')}: ${f.int(report.unchanged)}`,
      `${t(lang, 'importCorrected')}: ${f.int(report.corrected)}`,
    ],
    bad: [],
    more: null,
  };
}

export function rejectedReport(f: Format, errors: { line?: number; field?: string; reason: string; count?: number; lastLine?: number }[], total: number): FileReportJson {
  const lang = f.lang;
  // a reason many lines share comes once, with the range of lines and how many
  const lineOf = (e: (typeof errors)[number]) =>
    e.line === undefined ? '—' : e.count && e.count > 1 && e.lastLine !== undefined ? `${f.int(e.line)}–${f.int(e.lastLine)} (${f.int(e.count)} ${t(lang, 'importLinesShort')})` : f.int(e.line);
  const bad = errors.map((e) => ({ line: lineOf(e), reason: fileReason(f, e.reason) }));
  return {
    ok: false,
    title: t(lang, 'importRejected'),
    summary: [`${t(lang, 'badLines')}: ${f.int(total)}`],
    bad,
    more: total > errors.reduce((n, e) => n + (e.count ?? 1), 0) ? `${t(lang, 'andMore')} (${f.int(total - errors.reduce((n, e) => n + (e.count ?? 1), 0))})` : null,
  };
}
