// A year of hourly DSO files (BENCH_DSO_PPE PPE, 1,000; BENCH_DSO_MONTHS months of 2025, 12):
// one file a PPE as PGE Dystrybucja's eBOK exports it (the built-in profile pge-ebok: local
// dates, hour-ending 1..24 with the DST days' 23 and 25 hours, kWh with a decimal comma),
// through the file endpoint into a 15-minute cluster (each hour split into quarter-hours).
// Baseline in the same run: the same values as generic CSV files (UTC instants, Wh), one a
// PPE, into a fresh database of their own. Files are written beforehand; 4 uploads in flight.
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { ZONE } from '../src/shared/calendar.js';
import { type SyntheticPoint, syntheticReading, warsawDays } from './cluster-setup.js';
import { rssSampler, startBenchService } from './service.js';
import { type Figure, size, timed } from './support.js';

const YEAR = 2025;

interface Hour {
  start: Date;
  /** the Warsaw date and the hour-ending label (1..24) a DSO writes */
  localDate: string;
  hourEnding: number;
}

/** The hours of the days, each with the quarter-hours it sums. */
function hoursOf(days: { intervals: Date[] }[]): { hour: Hour; quarters: number[] }[] {
  const hours: { hour: Hour; quarters: number[] }[] = [];
  let index = 0;
  for (const { intervals } of days) {
    for (let q = 0; q < intervals.length; q += 4) {
      const start = intervals[q];
      if (start === undefined) throw new Error('a day of quarter-hours that is not whole hours');
      const local = DateTime.fromJSDate(start, { zone: ZONE });
      hours.push({ hour: { start, localDate: local.toFormat('dd.MM.yyyy'), hourEnding: local.hour + 1 }, quarters: [index + q, index + q + 1, index + q + 2, index + q + 3] });
    }
    index += intervals.length;
  }
  return hours;
}

const kWh = (wh: number) => `${String(Math.trunc(wh / 1000))},${String(wh % 1000).padStart(3, '0')}`;

/** One file a PPE, in the given form; returns the paths. */
function writeFiles(dir: string, points: SyntheticPoint[], hours: ReturnType<typeof hoursOf>, form: 'pge-ebok' | 'generic'): string[] {
  return points.map((point, p) => {
    const path = join(dir, `${form}-${point.ppeCode}.csv`);
    const out = openSync(path, 'w');
    let chunk = form === 'pge-ebok' ? 'Data;Godzina;Pobór [kWh];Oddanie [kWh]\n' : 'ppe_code,interval_start,interval_minutes,import_wh,export_wh,quality\n';
    for (const { hour, quarters } of hours) {
      let importWh = 0;
      let exportWh = 0;
      for (const i of quarters) {
        const r = syntheticReading(point, p, i, 96);
        importWh += r.importWh;
        exportWh += r.exportWh;
      }
      chunk +=
        form === 'pge-ebok'
          ? `${hour.localDate};${String(hour.hourEnding)};${kWh(importWh)};${kWh(exportWh)}\n`
          : `${point.ppeCode},${hour.start.toISOString()},60,${String(importWh)},${String(exportWh)},measured\n`;
      if (chunk.length > 1 << 16) {
        writeSync(out, chunk);
        chunk = '';
      }
    }
    writeSync(out, chunk);
    closeSync(out);
    return path;
  });
}

/** Uploads every file through the file endpoint, `concurrency` at a time; each must answer 200. */
async function upload(base: string, token: string, files: { path: string; query: string }[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < files.length; n = next++) {
        const file = files[n];
        if (file === undefined) return;
        const res = await fetch(`${base}/clusters/bench/readings/files?${file.query}`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
          body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
          duplex: 'half',
        } as RequestInit);
        if (res.status !== 200) throw new Error(`${file.path} answered ${String(res.status)}: ${await res.text()}`);
      }
    }),
  );
}

export async function benchDsoFiles(serverUrl: string): Promise<Figure[]> {
  const ppe = size('BENCH_DSO_PPE', 1000);
  const monthCount = Math.min(12, Math.max(1, size('BENCH_DSO_MONTHS', 12)));
  const dir = mkdtempSync(join(tmpdir(), 'bench-dso-'));
  const runs: Record<'pge-ebok' | 'generic', { seconds: number; megabytes: number; rssMib: number }> = {
    'pge-ebok': { seconds: 0, megabytes: 0, rssMib: 0 },
    generic: { seconds: 0, megabytes: 0, rssMib: 0 },
  };
  let lines = 0;
  try {
    for (const form of ['generic', 'pge-ebok'] as const) {
      const bench = await startBenchService(serverUrl, `bench_dso_${form.replace('-', '_')}`, { ppe, agreementFrom: `${String(YEAR)}-01`, memberFrom: `${String(YEAR)}-01-01` });
      try {
        const hours = hoursOf(warsawDays(`${String(YEAR)}-01`, monthCount));
        lines = hours.length * ppe;
        const paths = writeFiles(dir, bench.points, hours, form);
        const files = paths.map((path, p) => ({ path, query: form === 'generic' ? 'format=generic' : `format=profile:pge-ebok&ppeCode=${bench.points[p]?.ppeCode ?? ''}` }));
        const megabytes = paths.reduce((sum, path) => sum + statSync(path).size, 0) / 1e6;
        const rss = rssSampler();
        const run = await timed(() => upload(bench.base, bench.meterToken, files, 4));
        runs[form] = { seconds: run.seconds, megabytes, rssMib: rss.stop() };
        const { rows } = await bench.service.database.pool.query<{ n: string }>('SELECT sum(present)::text AS n FROM meter_days');
        if (Number(rows[0]?.n) !== lines * 4) throw new Error(`the read model holds ${String(rows[0]?.n)} quarter-hours, expected ${String(lines * 4)}`);
        for (const path of paths) rmSync(path);
      } finally {
        await bench.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (form: 'pge-ebok' | 'generic') => lines / runs[form].seconds;
  const label = `${String(ppe)} files (one a PPE), ${String(monthCount)} months of hourly values, ${lines.toLocaleString('en-US')} lines`;
  return [
    { benchmark: 'dso files', figure: `${label}: generic CSV, ${runs.generic.megabytes.toFixed(0)} MB (${runs.generic.seconds.toFixed(1)} s)`, value: Math.round(rate('generic')), unit: 'lines/s' },
    {
      benchmark: 'dso files',
      figure: `${label}: PGE eBOK files (profile pge-ebok), ${runs['pge-ebok'].megabytes.toFixed(0)} MB (${runs['pge-ebok'].seconds.toFixed(1)} s; baseline: the generic CSV of the same values)`,
      value: Math.round(rate('pge-ebok')),
      unit: 'lines/s',
      baseline: Math.round(rate('generic')),
      ratio: Number((rate('pge-ebok') / rate('generic')).toFixed(2)),
    },
    { benchmark: 'dso files', figure: `${label}: the service's peak RSS during the uploads, PGE eBOK / generic`, value: runs['pge-ebok'].rssMib, unit: `MiB / ${String(runs.generic.rssMib)} MiB` },
  ];
}
