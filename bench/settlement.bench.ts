// Settle one month of 15-minute data for N PPE, from data already in the read model to
// every statement stored, in a child process per size so each peak RSS is its own.
// Beside it: the engine alone on in-memory arrays (the compute floor).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Figure } from './support.js';
import { size } from './support.js';

const run = promisify(execFile);

/** What settlement-worker.ts prints, as its last line. */
interface WorkerResult {
  settleSeconds: number;
  lateDaySeconds: number;
  lateDaySlowestSeconds: number;
  engineSeconds: number;
  members: number;
  peakRssMib: number;
  copySeconds: number;
  copyBytes: number;
  readings: number;
  flowsSeconds: number;
  monthEngineSeconds: number;
  referenceEngineSeconds: number | null;
}

export async function benchSettlement(serverUrl: string): Promise<Figure[]> {
  const sizes = (process.env.BENCH_SETTLE_PPE ?? '1000,10000').split(',').map(Number);
  const worker = fileURLToPath(new URL('./settlement-worker.js', import.meta.url));
  const figures: Figure[] = [];
  for (const ppe of sizes) {
    const { stdout } = await run(process.execPath, ['--max-old-space-size=4096', worker, serverUrl, String(ppe), String(size('BENCH_DAYS', 31))], { maxBuffer: 10 * 1024 * 1024 });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerResult;
    figures.push(
      {
        benchmark: 'settlement',
        figure: `${String(ppe)} PPE (${String(r.members)} members, ${(r.readings / 1e6).toFixed(1)} M readings): read model → every statement stored (baseline: COPY TO STDOUT of the same rows)`,
        value: Number(r.settleSeconds.toFixed(2)),
        unit: 's',
        baseline: Number(r.copySeconds.toFixed(2)),
        ratio: Number((r.settleSeconds / r.copySeconds).toFixed(2)),
        target: ppe >= 10_000 ? '<= 8 s for 10,000 PPE' : undefined,
        met: ppe >= 10_000 ? r.settleSeconds <= 8 : undefined,
      },
      {
        benchmark: 'settlement',
        figure: `${String(ppe)} PPE: one PPE-day corrected late → the month's pending statements (that day computed alone; median of 5 late files, the slowest ${r.lateDaySlowestSeconds.toFixed(2)} s; baseline: the whole month)`,
        value: Number(r.lateDaySeconds.toFixed(2)),
        unit: 's',
        baseline: Number(r.settleSeconds.toFixed(2)),
        ratio: Number((r.lateDaySeconds / r.settleSeconds).toFixed(3)),
        target: ppe >= 10_000 ? '< 1 s for 10,000 PPE' : undefined,
        met: ppe >= 10_000 ? r.lateDaySeconds < 1 : undefined,
      },
      { benchmark: 'settlement', figure: `${String(ppe)} PPE: rows → month calculation (flows, engine, statements) in memory`, value: Number(r.engineSeconds.toFixed(2)), unit: 's' },
      { benchmark: 'settlement', figure: `${String(ppe)} PPE: rows → flows (typed arrays)`, value: Number(r.flowsSeconds.toFixed(2)), unit: 's' },
      {
        benchmark: 'settlement',
        figure: `${String(ppe)} PPE: the month engine alone (baseline: the interval engine, its reference, on the same flows)`,
        value: Number(r.monthEngineSeconds.toFixed(2)),
        unit: 's',
        baseline: r.referenceEngineSeconds === null ? undefined : Number(r.referenceEngineSeconds.toFixed(2)),
        ratio: r.referenceEngineSeconds === null ? undefined : Number((r.monthEngineSeconds / r.referenceEngineSeconds).toFixed(3)),
        target: ppe >= 10_000 ? '<= 2 s for 10,000 PPE' : undefined,
        met: ppe >= 10_000 ? r.monthEngineSeconds <= 2 : undefined,
      },
      { benchmark: 'settlement', figure: `${String(ppe)} PPE: peak RSS of the settling process`, value: r.peakRssMib, unit: 'MiB', target: '<= 1024 MiB', met: r.peakRssMib <= 1024 },
    );
  }
  return figures;
}
