// meter_days keeps each day's Wh as bytes (migration 092, domain/packed-wh.ts) and the
// settlement reads them with one binary COPY: the rows read back are the values written,
// missing intervals included, across the stream's chunks and the reader's pages; rows
// written as bigint[] before migration 092 read back the same after it.
import pg from 'pg';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/database/migrate.js';
import { migrationsDir } from '../../src/database/paths.js';
import { readMeterDays } from '../../src/metering/queries/meter-days.js';
import { packWh } from '../../src/metering/domain/packed-wh.js';
import { type MeterDayValues, whList } from '../../src/metering/domain/meter-day-values.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function database(): Promise<pg.Pool> {
  const db = await createTestDatabase();
  databases.push(db);
  const pool = new pg.Pool({ connectionString: db.url });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const db of databases) await db.drop();
});

/** A day as written: its values as lists with null where none was recorded. */
type WrittenDay = Omit<MeterDayValues, 'importWh' | 'exportWh'> & { importWh: (number | null)[]; exportWh: (number | null)[] };

/** The pages read, each day's values as lists (every page kept: one page's values must outlive the next). */
async function readAll(pool: pg.Pool, clusterId: string, fromDay: string, toDay: string): Promise<WrittenDay[][]> {
  const pages: MeterDayValues[][] = [];
  for await (const page of readMeterDays(pool, clusterId, fromDay, toDay)) pages.push(page);
  return pages.map((page) => page.map((d) => ({ ...d, importWh: whList(d.importWh), exportWh: whList(d.exportWh) })));
}

const byPpeAndDay = (a: WrittenDay, b: WrittenDay) => a.ppeCode.localeCompare(b.ppeCode) || a.dayStart.getTime() - b.dayStart.getTime();

test('5,000 PPE-days written as bytes read back value for value, a missing interval as null, in pages of at most 2,000', async () => {
  const pool = await database();
  await migrate(pool);
  const written: WrittenDay[] = [];
  for (let p = 0; p < 250; p++) {
    for (let d = 1; d <= 20; d++) {
      const day = `2026-05-${String(d).padStart(2, '0')}`;
      // every 7th value missing, the largest value allowed on one PPE
      const importWh = Array.from({ length: 96 }, (_, i) => ((p + d + i) % 7 === 0 ? null : p === 0 ? 250_000_000 : p * 1_000 + d * 10 + i));
      const exportWh = importWh.map((wh, i) => (wh === null ? null : (p * i) % 13));
      written.push({
        ppeCode: `PL${String(p).padStart(6, '0')}`,
        dayStart: new Date(Date.parse(`${day}T00:00:00+02:00`)),
        intervalMinutes: 15,
        importWh,
        exportWh,
        quality: importWh.map((wh) => (wh === null ? '-' : 'm')).join(''),
      });
    }
  }
  const rows = written.map((w) => [w.ppeCode, w.dayStart.toISOString(), packWh(w.importWh).toString('hex'), packWh(w.exportWh).toString('hex'), w.quality]);
  await pool.query(
    `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present)
     SELECT $1, r->>0, ((r->>1)::timestamptz AT TIME ZONE 'Europe/Warsaw')::date, (r->>1)::timestamptz, 15, decode(r->>2, 'hex'), decode(r->>3, 'hex'), r->>4, 0
       FROM json_array_elements($2::json) AS r`,
    ["o'neill", JSON.stringify(rows)],
  );
  // another cluster's days and days outside the range are not read
  await pool.query(`INSERT INTO meter_days SELECT 'other', ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present, corrections FROM meter_days`);

  const pages = await readAll(pool, "o'neill", '2026-05-01', '2026-05-20');
  expect(pages.map((page) => page.length)).toEqual([2_000, 2_000, 1_000]);
  expect(pages.flat().sort(byPpeAndDay)).toEqual(written.sort(byPpeAndDay));

  const fewer = (await readAll(pool, "o'neill", '2026-05-02', '2026-05-03')).flat();
  expect(fewer).toHaveLength(500);
  expect(new Set(fewer.map((d) => d.dayStart.toISOString()))).toEqual(new Set(['2026-05-01T22:00:00.000Z', '2026-05-02T22:00:00.000Z']));
  expect(await readAll(pool, 'nobody', '2026-05-01', '2026-05-31')).toEqual([]);
});

test('a row must hold one value per quality character in each direction', async () => {
  const pool = await database();
  await migrate(pool);
  await expect(
    pool.query(
      `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present) VALUES ('c', 'PL1', '2026-05-01', '2026-04-30T22:00:00Z', 60, $1, $2, 'mm', 2)`,
      [packWh([1, 2]), packWh([1])],
    ),
  ).rejects.toThrow(/meter_days_values_per_interval/);
});

test('a stored value out of range stops the read with an error, not a wrapped number in the settlement', async () => {
  const pool = await database();
  await migrate(pool);
  await pool.query(
    `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present) VALUES ('c', 'PL1', '2026-05-01', '2026-04-30T22:00:00Z', 60, $1, $2, 'mm', 2)`,
    [Buffer.from('000000017fffffff', 'hex'), packWh([1, 2])],
  );
  await expect(readAll(pool, 'c', '2026-05-01', '2026-05-01')).rejects.toThrow(/out of range/);
});

test('days written as bigint[] before migration 092 read back the same after it, the 25-hour day and missing values included', async () => {
  const pool = await database();
  const before = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const file of readdirSync(migrationsDir()).filter((f) => f < '092')) cpSync(join(migrationsDir(), file), join(before, file));
  await migrate(pool, before);
  rmSync(before, { recursive: true, force: true });
  const autumn = Array.from({ length: 100 }, (_, i) => (i === 4 ? null : i * 1_000));
  await pool.query(
    `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present) VALUES
       ('c', 'PL1', '2026-10-25', '2026-10-24T22:00:00Z', 15, $1::bigint[], $2::bigint[], $3, 99),
       ('c', 'PL2', '2026-10-25', '2026-10-24T22:00:00Z', 60, '{}', '{}', '', 0)`,
    [autumn, autumn.map((wh) => (wh === null ? null : 250_000_000 - wh)), autumn.map((wh) => (wh === null ? '-' : 'e')).join('')],
  );
  expect(await migrate(pool)).toEqual(readdirSync(migrationsDir()).filter((f) => f >= '092' && f.endsWith('.sql')));
  const days = (await readAll(pool, 'c', '2026-10-25', '2026-10-25')).flat().sort(byPpeAndDay);
  expect(days).toEqual([
    {
      ppeCode: 'PL1',
      dayStart: new Date('2026-10-24T22:00:00Z'),
      intervalMinutes: 15,
      importWh: autumn,
      exportWh: autumn.map((wh) => (wh === null ? null : 250_000_000 - wh)),
      quality: autumn.map((wh) => (wh === null ? '-' : 'e')).join(''),
    },
    { ppeCode: 'PL2', dayStart: new Date('2026-10-24T22:00:00Z'), intervalMinutes: 60, importWh: [], exportWh: [], quality: '' },
  ]);
});
