// Settle one month of 15-minute data for N PPE, from data already in the read model to
// every statement stored, in a child process per size so each peak RSS is its own.
// Beside it: the engine alone on in-memory arrays (the compute floor).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Figure } from './support.js';
import { size } from './support.js';

const run = promisify(execFile);

export async function benchSettlement(serverUrl: string): Promise<Figure[]> {
  const sizes = (process.env.BENCH_SETTLE_PPE ?? '1000,10000').split(',').map(Number);
  const worker = fileURLToPath(new URL('./settlement-worker.js', import.meta.url));
  const figures: Figure[] = [];
  for (const ppe of sizes) {
    const { stdout } = await run(process.execPath, ['--max-old-space-size=4096', worker, serverUrl, String(ppe), String(size('BENCH_DAYS', 31))], { maxBuffer: 10 * 1024 * 1024 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    figures.push(
      { benchmark: 'settlement', figure: `${ppe} PPE (${r.members} members): read model → every statement stored`, value: Number(r.settleSeconds.toFixed(2)), unit: 's', target: ppe >= 10_000 ? '<= 60 s for 10,000 PPE' : undefined, met: ppe >= 10_000 ? r.settleSeconds <= 60 : undefined },
      { benchmark: 'settlement', figure: `${ppe} PPE: the engine alone on in-memory arrays`, value: Number(r.engineSeconds.toFixed(2)), unit: 's' },
      { benchmark: 'settlement', figure: `${ppe} PPE: the engine with the hourly support ledger`, value: Number(r.ledgerSeconds.toFixed(2)), unit: 's' },
      ...(r.matrixSeconds === null ? [] : [{ benchmark: 'settlement', figure: `${ppe} PPE: the engine with the transfer matrix (${r.matrixRows} pairs)`, value: Number(r.matrixSeconds.toFixed(2)), unit: 's' }]),
      { benchmark: 'settlement', figure: `${ppe} PPE: peak RSS of the settling process`, value: r.peakRssMib, unit: 'MiB', target: '<= 2048 MiB', met: r.peakRssMib <= 2048 },
    );
  }
  return figures;
}
