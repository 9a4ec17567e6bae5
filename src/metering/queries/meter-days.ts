// The metering read model's meter days, read for settlement (its only reader outside
// metering): one binary COPY ... TO STDOUT over the days asked for, decoded as it streams
// (no row objects from the driver; the values are stored as bytes, domain/packed-wh.ts, so
// PostgreSQL sends them as they are), handed out in pages so a month of 10,000 PPE is
// never held as rows; and the months that have any.
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { MeterDayValues } from '../domain/meter-day-values.js';
import { PackedWhPage } from '../domain/packed-wh.js';

const PAGE_ROWS = 2_000;
/** Room for a page of quarter-hour days, 25-hour ones included (100 values a direction). */
const PAGE_VALUES = PAGE_ROWS * 200;

/** Meter days of a cluster whose Warsaw day lies in [fromDay, toDay], in pages. */
export async function* readMeterDays(db: Pool | PoolClient, clusterId: string, fromDay: string, toDay: string): AsyncGenerator<MeterDayValues[]> {
  const client = 'release' in db ? db : await db.connect();
  const own = client !== db;
  try {
    const sql = `COPY (SELECT ppe_code, (extract(epoch FROM day_start) * 1000)::bigint, interval_minutes, import_wh, export_wh, quality
                   FROM meter_days WHERE cluster_id = ${literal(clusterId)} AND day BETWEEN ${literal(fromDay)}::date AND ${literal(toDay)}::date) TO STDOUT (FORMAT binary)`;
    const stream = client.query(copyTo(sql));
    let rest: Buffer | null = null;
    let headerRead = false;
    let ended = false;
    let page = new MeterDayPage(PAGE_VALUES);
    for await (const chunk of stream) {
      const bytes: Buffer = rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let at = 0;
      if (!headerRead) {
        if (bytes.length < HEADER_BYTES) {
          rest = bytes;
          continue;
        }
        at = headerLength(bytes);
        headerRead = true;
      }
      for (;;) {
        const row = rowAt(bytes, at);
        if (row === undefined) break; // the row goes on in the next chunk
        at = row.next;
        if (row.fields === null) {
          ended = true;
          break;
        }
        if (page.days.length >= PAGE_ROWS || !page.values.fits(row.valueCount)) {
          if (page.days.length > 0) yield page.sealed();
          page = new MeterDayPage(Math.max(PAGE_VALUES, row.valueCount));
        }
        page.days.push(dayOf(bytes, row.fields, page.values));
      }
      rest = at < bytes.length ? bytes.subarray(at) : null;
    }
    if (!ended || rest !== null) throw new Error('meter_days: the binary COPY ended without its trailer');
    if (page.days.length > 0) yield page.sealed();
  } finally {
    if (own) client.release();
  }
}

/** The months (YYYY-MM) in [fromMonth, toMonth] in which the cluster has meter days, in order. */
export async function monthsWithReadings(db: Pool | PoolClient, clusterId: string, fromMonth: string, toMonth: string): Promise<string[]> {
  const { rows } = await db.query<{ month: string }>(
    // one index probe a month (meter_days_cluster_day), not a scan of every PPE-day of the year
    `SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series($2::date, $3::date, interval '1 month') AS m
      WHERE EXISTS (SELECT 1 FROM meter_days WHERE cluster_id = $1 AND day >= m::date AND day < (m + interval '1 month')::date)
      ORDER BY m`,
    [clusterId, `${fromMonth}-01`, `${toMonth}-01`],
  );
  return rows.map((r) => r.month);
}

// COPY's binary format (PostgreSQL docs, "COPY", Binary Format): an 11-byte signature, a
// 32-bit flags field and a 32-bit header extension length with that many bytes after it;
// then per row a 16-bit field count (-1: the trailer) and per field a 32-bit byte length
// and the bytes, in network byte order. The six fields are NOT NULL.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = 19;
const FIELDS = 6;

function headerLength(bytes: Buffer): number {
  if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('meter_days: not a binary COPY');
  return HEADER_BYTES + bytes.readUInt32BE(15);
}

/** Where each field of the row at `at` starts and ends (null: the trailer), or undefined when its bytes are not all here yet. */
function rowAt(bytes: Buffer, at: number): { fields: Int32Array | null; valueCount: number; next: number } | undefined {
  if (at + 2 > bytes.length) return undefined;
  const fieldCount = bytes.readInt16BE(at);
  if (fieldCount === -1) return { fields: null, valueCount: 0, next: at + 2 };
  if (fieldCount !== FIELDS) throw new Error(`meter_days: a COPY row of ${String(fieldCount)} fields, not ${String(FIELDS)}`);
  const fields = new Int32Array(FIELDS * 2); // [start, end) of each field
  let p = at + 2;
  for (let f = 0; f < FIELDS; f++) {
    if (p + 4 > bytes.length) return undefined;
    const length = bytes.readInt32BE(p);
    if (length < 0) throw new Error('meter_days: a NULL field in a COPY row');
    fields[2 * f] = p + 4;
    p += 4 + length;
    fields[2 * f + 1] = p;
  }
  if (p > bytes.length) return undefined;
  // the import and export fields (4 and 5) hold 4 bytes a value (PackedWhPage.take checks each)
  const valueBytes = field(fields, 3, 1) - field(fields, 3, 0) + field(fields, 4, 1) - field(fields, 4, 0);
  if (valueBytes % 4 !== 0) throw new Error(`meter_days: ${String(valueBytes)} bytes of values are not whole 4-byte values`);
  const valueCount = valueBytes / 4;
  return { fields, valueCount, next: p };
}

/** Byte `end` (0: start, 1: end) of field f. */
function field(fields: Int32Array, f: number, end: 0 | 1): number {
  return fields[2 * f + end] ?? 0; // f < FIELDS: always there
}

/** The day of a whole row, its values taken into the page's buffer. */
function dayOf(bytes: Buffer, fields: Int32Array, values: PackedWhPage): MeterDayValues {
  const msFrom = field(fields, 1, 0);
  return {
    ppeCode: bytes.toString('utf8', field(fields, 0, 0), field(fields, 0, 1)),
    // an int8 of milliseconds since 1970, far below 2^53
    dayStart: new Date(bytes.readInt32BE(msFrom) * 4_294_967_296 + bytes.readUInt32BE(msFrom + 4)),
    intervalMinutes: bytes.readInt32BE(field(fields, 2, 0)),
    importWh: values.take(bytes, field(fields, 3, 0), field(fields, 3, 1)),
    exportWh: values.take(bytes, field(fields, 4, 0), field(fields, 4, 1)),
    quality: bytes.toString('latin1', field(fields, 5, 0), field(fields, 5, 1)),
  };
}

/** A page of days whose values share one buffer. */
class MeterDayPage {
  readonly days: MeterDayValues[] = [];
  readonly values: PackedWhPage;

  constructor(capacityValues: number) {
    this.values = new PackedWhPage(capacityValues);
  }

  /** The days, their values readable (in the host's byte order and checked). */
  sealed(): MeterDayValues[] {
    this.values.seal();
    return this.days;
  }
}

/** A SQL string literal (COPY takes no parameters). */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
