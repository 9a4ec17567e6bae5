// Statements under load: a 1,000-PPE cluster with a settled month; member statements and the
// cluster month requested at BENCH_LOAD_RPS (300) for BENCH_LOAD_SECONDS (60), by two load
// generators in their own process: paced-client.ts (open loop: one request every 1/rate s,
// latency from when it was due; the target's figure) and autocannon (its rate is each
// connection's quota a second, sent back to back when the second starts: bursts of a
// second's requests at once, as on the first day of a month). Baseline in the same run:
// GET /health (a few database round trips, no settlement) at the same rate, the same way.
// Before the measured minute, the same requests for BENCH_LOAD_WARMUP_SECONDS (5), not
// counted: a service that has run for a while has compiled its statement routes and holds
// its connections; the first seconds after a start measure JIT and connection set-up
// instead (they are printed apart).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fillMeterDays } from './cluster-setup.js';
import { startBenchService } from './service.js';
import { type Figure, settle, size } from './support.js';

const run = promisify(execFile);
const MONTH = '2026-05';

interface LoadResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  rps: number;
}

async function load(generator: 'paced' | 'autocannon', url: string, token: string, paths: string[], rate: number, seconds: number): Promise<LoadResult> {
  const client = fileURLToPath(new URL(generator === 'paced' ? './paced-client.js' : './load-client.js', import.meta.url));
  const { stdout } = await run(process.execPath, [client, JSON.stringify({ url, token, paths, rate, seconds })], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult;
}

export async function benchStatementsLoad(serverUrl: string): Promise<Figure[]> {
  const ppe = size('BENCH_LOAD_PPE', 1000);
  const rate = size('BENCH_LOAD_RPS', 300);
  const seconds = size('BENCH_LOAD_SECONDS', 60);
  const warmupSeconds = size('BENCH_LOAD_WARMUP_SECONDS', 5);
  const bench = await startBenchService(serverUrl, 'bench_statements_load', { ppe, agreementFrom: MONTH });
  try {
    const { base, coordinatorToken: token, points } = bench;
    await fillMeterDays(bench.service.database.pool, 'bench', points, MONTH, 31);
    const members = [...new Set(points.map((p) => p.memberId))];
    // the first read settles the month and stores it; the load reads what is stored
    const first = await fetch(`${base}/clusters/bench/settlements/${MONTH}`, { headers: { authorization: `Bearer ${token}` } });
    if (first.status !== 200) throw new Error(`the cluster month answered ${String(first.status)}`);
    // the month's rows vacuumed and checkpointed first: the minute measured is the statements', not autovacuum's
    await settle(bench.service.database.pool);
    const paths = members.slice(0, 200).flatMap((m, i) => (i % 4 === 0 ? [`/clusters/bench/settlements/${MONTH}`] : []).concat(`/clusters/bench/settlements/${MONTH}/members/${m}`));
    const figures: Figure[] = [];
    for (const generator of ['paced', 'autocannon'] as const) {
      const how = generator === 'paced' ? 'paced arrivals (open loop)' : "autocannon (a second's requests at its start)";
      const floor = await load(generator, base, token, ['/health'], rate, Math.max(5, Math.round(seconds / 4)));
      const warmup = await load(generator, base, token, paths, rate, warmupSeconds);
      const statements = await load(generator, base, token, paths, rate, seconds);
      const failed = statements.errors + statements.timeouts + statements.non2xx;
      const target = generator === 'paced';
      figures.push(
        {
          benchmark: 'statements',
          figure: `${String(ppe)} PPE (${String(members.length)} members): member statements and the cluster month, ${String(rate)} req/s for ${String(seconds)} s, ${how} (${String(statements.requests)} requests): p50`,
          value: statements.p50Ms,
          unit: 'ms',
          baseline: floor.p50Ms,
          ratio: floor.p50Ms > 0 ? statements.p50Ms / floor.p50Ms : undefined,
        },
        {
          benchmark: 'statements',
          figure: `the same: p99 (baseline: GET /health at the same rate)`,
          value: statements.p99Ms,
          unit: 'ms',
          baseline: floor.p99Ms,
          ratio: floor.p99Ms > 0 ? statements.p99Ms / floor.p99Ms : undefined,
          ...(target ? { target: '<= 25 ms', met: statements.p99Ms <= 25 } : {}),
        },
        { benchmark: 'statements', figure: 'the same: errors, timeouts and non-2xx answers', value: failed, unit: 'requests', target: '0', met: failed === 0 },
        { benchmark: 'statements', figure: `the warm-up before it, ${String(warmupSeconds)} s, not counted above: p99`, value: warmup.p99Ms, unit: 'ms' },
      );
    }
    return figures;
  } finally {
    await bench.close();
  }
}
