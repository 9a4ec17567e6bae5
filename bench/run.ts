// npm run bench: every benchmark in the project, one table, and JSON under bench/results/.
// Sizes come from environment variables (BENCH_*) so a quick run fits in a few minutes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/database/paths.js';
import { benchDsoFiles } from './dso-files.bench.js';
import { benchEventStore } from './event-store.bench.js';
import { benchMetering } from './metering.bench.js';
import { benchStatementsLoad } from './statements-load.bench.js';
import { benchSettlement } from './settlement.bench.js';
import { benchYear } from './year.bench.js';
import { dropBenchDatabases, type Figure, machine, peakRssMib, startBenchServer } from './support.js';

const benchmarks: Record<string, (serverUrl: string) => Promise<Figure[]>> = {
  'event-store': benchEventStore,
  metering: benchMetering,
  'dso-files': benchDsoFiles,
  settlement: benchSettlement,
  statements: benchStatementsLoad,
  year: benchYear,
};

function printTable(figures: Figure[]) {
  const rows = figures.map((f) => [
    f.benchmark,
    f.figure,
    `${f.value.toLocaleString('en-US')} ${f.unit}`,
    f.baseline !== undefined ? f.baseline.toLocaleString('en-US') : '',
    f.ratio !== undefined ? f.ratio.toFixed(2) : '',
    f.target ? `${f.target}${f.met === undefined ? '' : f.met ? ' (met)' : ' (NOT met)'}` : '',
  ]);
  const header = ['benchmark', 'figure', 'value', 'baseline', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const server = await startBenchServer();
  const figures: Figure[] = [];
  let postgresVersion: string;
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    postgresVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
    await client.end();
    for (const [name, run] of Object.entries(benchmarks)) {
      if (only.length > 0 && !only.includes(name)) continue;
      console.error(`running ${name} ...`);
      figures.push(...(await run(server.url)));
      await dropBenchDatabases(server.url);
    }
  } finally {
    await server.stop();
  }
  figures.push({ benchmark: 'process', figure: 'peak RSS of the benchmark process', value: peakRssMib(), unit: 'MiB' });
  const context = { ...machine(), postgres: postgresVersion, at: new Date().toISOString() };
  console.log(`machine: ${String(context.cores)} cores (${context.cpu}), ${String(context.memoryGib)} GiB, Node ${context.node}, PostgreSQL ${postgresVersion}`);
  printTable(figures);
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${context.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: context, figures }, null, 2));
  console.log(`written ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
