// A year of a cluster (BENCH_YEAR_PPE PPE, 1,000; BENCH_YEAR_MONTHS months of 2025, 12) as
// the coordinator and the auditor meet it, through HTTP against this process's service:
//  - the readings arrive as series, a day of the whole cluster a request (the real path, so
//    that the log holds them and a replay has something to replay);
//  - the support ledger of the year and the trailing-12-month KPIs, from cold (every month
//    settled on the way);
//  - one month settled again after a late file (one PPE, one day corrected), the baseline;
//  - the month closed and its documents issued, then a late file for it, and the pending
//    correction it causes;
//  - the closed month replayed from the log.
// The baseline of every ratio is the month's settlement measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReading, warsawDays } from './cluster-setup.js';
import { rssSampler, sendBodies, startBenchService, writeDayBodies } from './service.js';
import { type Figure, size, timed } from './support.js';

const YEAR = 2025;

export async function benchYear(serverUrl: string): Promise<Figure[]> {
  const ppe = size('BENCH_YEAR_PPE', 1000);
  const monthCount = Math.min(12, Math.max(3, size('BENCH_YEAR_MONTHS', 12)));
  const bench = await startBenchService(serverUrl, 'bench_year', { ppe, agreementFrom: `${String(YEAR)}-01`, memberFrom: `${String(YEAR)}-01-01` });
  const dir = mkdtempSync(join(tmpdir(), 'bench-year-'));
  try {
    const days = warsawDays(`${String(YEAR)}-01`, monthCount);
    const values = days.reduce((sum, day) => sum + day.intervals.length, 0) * ppe * 2;
    const files = writeDayBodies(dir, bench.points, days, 'series', ppe);
    const ingest = await timed(() => sendBodies([bench.base], bench.meterToken, 4, files));
    for (const file of files) rmSync(file);

    const months = Array.from({ length: monthCount }, (_, m) => `${String(YEAR)}-${String(m + 1).padStart(2, '0')}`);
    const year = rssSampler();
    const ledger = await timed(async () => {
      const result = await bench.call<{ months: { month: string }[]; hourCount: number }>(`/clusters/bench/support?year=${String(YEAR)}`);
      if (result.months.length < monthCount) throw new Error(`the year shows ${String(result.months.length)} months, expected at least ${String(monthCount)}`);
      return result.hourCount;
    });
    const kpis = await timed(() => bench.call<{ trailing12Months: unknown }>('/clusters/bench/support/compliance'));
    const yearRssMib = year.stop();

    // one late file in an open month: the month settled again (the baseline of the ratios)
    const open = months[1] ?? '';
    const openPoint = bench.points[0];
    const openDay = days.find((d) => d.date === `${open}-10`);
    if (openPoint === undefined || openDay === undefined) throw new Error('no point or day for the late file');
    const lateFile = async (day: typeof openDay, extraWh: number) => {
      const importWh = day.intervals.map((_, k) => syntheticReading(openPoint, 0, k, 96).importWh + extraWh);
      const res = await fetch(`${bench.base}/clusters/bench/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bench.meterToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: 'bench late file',
          series: [{ ppeCode: openPoint.ppeCode, intervalStart: day.intervals[0]?.toISOString(), intervalMinutes: 15, importWh, exportWh: day.intervals.map(() => 0), quality: 'measured' }],
        }),
      });
      if (res.status !== 200) throw new Error(`the late file answered ${String(res.status)}: ${await res.text()}`);
    };
    await lateFile(openDay, 7);
    const monthSettle = await timed(() => bench.call(`/clusters/bench/settlements/${open}`));

    // the month closed; a late file for it; the pending correction it causes
    const closed = months[0] ?? '';
    const closedDay = days.find((d) => d.date === `${closed}-15`);
    if (closedDay === undefined) throw new Error('no day for the closed month');
    const close = await timed(() => bench.call(`/clusters/bench/settlements/${closed}/close`, { reason: 'bench' }));
    const invoices = await timed(async () => (await bench.call<{ documents: unknown[] }>(`/clusters/bench/settlements/${closed}/invoices`, {})).documents.length);
    await lateFile(closedDay, 11);
    const pending = await timed(async () => {
      const result = await bench.call<{ pending: unknown[] }>(`/clusters/bench/settlements/${closed}/corrections`);
      if (result.pending.length === 0) throw new Error('the late file in the closed month caused no pending correction');
      return result.pending.length;
    });
    const replay = await timed(async () => {
      // the live view differs by the late file (the pending correction); the replay must equal the close
      const result = await bench.call<{ replayedIdentical: boolean }>(`/clusters/bench/settlements/${closed}/replay`);
      if (!result.replayedIdentical) throw new Error('the replay of the closed month differs from its close');
      return result.replayedIdentical;
    });

    const month = monthSettle.seconds;
    const ratio = (seconds: number) => Number((seconds / month).toFixed(2));
    const label = `${String(ppe)} PPE, ${String(monthCount)} months of ${String(YEAR)}`;
    return [
      {
        benchmark: 'year',
        figure: `${label}: readings through HTTP as series (${values.toLocaleString('en-US')} values)`,
        value: Math.round(values / ingest.seconds),
        unit: `values/s (${ingest.seconds.toFixed(1)} s)`,
      },
      { benchmark: 'year', figure: `${label}: a month settled again after one late file (one PPE, one day), the baseline`, value: Number(month.toFixed(2)), unit: 's' },
      {
        benchmark: 'year',
        figure: `${label}: the support ledger of the year (${String(ledger.result)} hours), every month settled from cold`,
        value: Number(ledger.seconds.toFixed(2)),
        unit: 's',
        baseline: Number(month.toFixed(2)),
        ratio: ratio(ledger.seconds),
      },
      {
        benchmark: 'year',
        figure: `${label}: the trailing-12-month KPIs (support/compliance) after it`,
        value: Number(kpis.seconds.toFixed(3)),
        unit: 's',
        baseline: Number(month.toFixed(2)),
        ratio: ratio(kpis.seconds),
      },
      { benchmark: 'year', figure: `${label}: the service's peak RSS while it computed the year`, value: yearRssMib, unit: 'MiB' },
      { benchmark: 'year', figure: `${label}: close a month`, value: Number(close.seconds.toFixed(2)), unit: 's', baseline: Number(month.toFixed(2)), ratio: ratio(close.seconds) },
      {
        benchmark: 'year',
        figure: `${label}: issue the closed month's documents (${String(invoices.result)}, FA(3) each checked against the XSD)`,
        value: Number(invoices.seconds.toFixed(2)),
        unit: 's',
        baseline: Number(month.toFixed(2)),
        ratio: ratio(invoices.seconds),
      },
      {
        benchmark: 'year',
        figure: `${label}: a late file in the closed month → its pending correction known`,
        value: Number(pending.seconds.toFixed(2)),
        unit: 's',
        baseline: Number(month.toFixed(2)),
        ratio: ratio(pending.seconds),
        target: '< 1 s',
        met: pending.seconds < 1,
      },
      {
        benchmark: 'year',
        figure: `${label}: replay of the closed month from the log (equal to its close)`,
        value: Number(replay.seconds.toFixed(2)),
        unit: 's',
        baseline: Number(month.toFixed(2)),
        ratio: ratio(replay.seconds),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await bench.close();
  }
}
