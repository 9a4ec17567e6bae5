// The metering read model's meter days, read for settlement (its only reader outside
// metering): one COPY ... TO STDOUT over the days asked for, parsed as it streams (no row
// objects from the driver, no string split per value), handed out in pages so a month of
// 10,000 PPE is never held as rows; and the months that have any.
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { MeterDayValues } from '../domain/meter-day-values.js';

const PAGE_ROWS = 2_000;

/** Meter days of a cluster whose Warsaw day lies in [fromDay, toDay], in pages. */
export async function* readMeterDays(db: Pool | PoolClient, clusterId: string, fromDay: string, toDay: string): AsyncGenerator<MeterDayValues[]> {
  const client = 'release' in db ? db : await db.connect();
  const own = client !== db;
  try {
    const sql = `COPY (SELECT ppe_code, (extract(epoch FROM day_start) * 1000)::bigint, interval_minutes, import_wh, export_wh, quality
                   FROM meter_days WHERE cluster_id = ${literal(clusterId)} AND day BETWEEN ${literal(fromDay)}::date AND ${literal(toDay)}::date) TO STDOUT`;
    const stream = client.query(copyTo(sql));
    let rest = '';
    let page: MeterDayValues[] = [];
    for await (const chunk of stream) {
      const text = rest + (chunk as Buffer).toString('utf8');
      let lineStart = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', lineStart)) {
        page.push(parseLine(text, lineStart, nl));
        lineStart = nl + 1;
        if (page.length >= PAGE_ROWS) {
          yield page;
          page = [];
        }
      }
      rest = text.slice(lineStart);
    }
    if (rest.length > 0) page.push(parseLine(rest, 0, rest.length));
    if (page.length > 0) yield page;
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

// COPY's text format: fields split by tabs; a PPE code and the quality codes have no tab,
// backslash or newline (the registry and the recorder refuse them), so no field needs
// unescaping.
function parseLine(text: string, from: number, to: number): MeterDayValues {
  const t1 = text.indexOf('\t', from);
  const t2 = text.indexOf('\t', t1 + 1);
  const t3 = text.indexOf('\t', t2 + 1);
  const t4 = text.indexOf('\t', t3 + 1);
  const t5 = text.indexOf('\t', t4 + 1);
  if (t1 < 0 || t5 < 0 || t5 > to) throw new Error('meter_days: a COPY line without its six fields');
  const quality = text.slice(t5 + 1, to);
  return {
    ppeCode: text.slice(from, t1),
    dayStart: new Date(Number(text.slice(t1 + 1, t2))),
    intervalMinutes: Number(text.slice(t2 + 1, t3)),
    importWh: parseArray(text, t3 + 1, t4),
    exportWh: parseArray(text, t4 + 1, t5),
    quality,
  };
}

/** '{1,2,NULL}' → [1, 2, null], digit by digit. */
function parseArray(text: string, from: number, to: number): (number | null)[] {
  const values: (number | null)[] = [];
  if (text.charCodeAt(from) !== 123 /* { */ || text.charCodeAt(to - 1) !== 125 /* } */) throw new Error('meter_days: an array field is not {...}');
  let value = 0;
  let digits = 0;
  let isNull = false;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 44 /* , */ || c === 125 /* } */) {
      if (isNull) values.push(null);
      else if (digits > 0) {
        if (digits > 15 && !Number.isSafeInteger(value)) throw new Error('meter_days: a value beyond 2^53 Wh');
        values.push(value);
      }
      value = 0;
      digits = 0;
      isNull = false;
    } else if (c === 78 /* N of NULL */) {
      isNull = true;
      i += 3;
    } else {
      throw new Error(`meter_days: unexpected character ${JSON.stringify(text[i])} in an array`);
    }
  }
  return values;
}

/** A SQL string literal (COPY takes no parameters). */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
