// meter_days from MeterReadingsRecorded/Corrected: for each batch, read the touched day
// rows once, merge in memory, COPY the merged rows into a staging table and upsert them
// in one statement. COPY, not unnest: the values are decoded once, not as elements of a
// text array first. The values are stored as bytes (domain/packed-wh.ts).
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { intervalsInDay, type MeterDayEventData, type MeterDayRow, positionsOf } from './domain/meter-stream.js';
import { packedWhCopyText, unpackWh } from './domain/packed-wh.js';

/** A row with its values decoded, to merge the events' values into. */
type DayRow = Omit<MeterDayRow, 'import_wh' | 'export_wh'> & { import_wh: (number | null)[]; export_wh: (number | null)[] };

const key = (clusterId: string, ppeCode: string, day: string) => `${clusterId}\u0000${ppeCode}\u0000${day}`;
/** COPY text format: a backslash, tab or line break in a value is escaped. */
const copyText = (value: string) => (/[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value);

export const meteringProjection: Projection = {
  name: 'metering',
  version: 1,
  tables: ['meter_days'],
  eventTypes: ['MeterReadingsRecorded', 'MeterReadingsCorrected'],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    const datas = events.map((e) => ({ corrected: e.type === 'MeterReadingsCorrected', data: e.data as unknown as MeterDayEventData }));
    const keys = new Map<string, { clusterId: string; ppeCode: string; day: string }>();
    for (const { data } of datas) keys.set(key(data.clusterId, data.ppeCode, data.day), data);
    const list = [...keys.values()];
    const { rows } = await client.query<MeterDayRow>(
      `SELECT d.cluster_id, d.ppe_code, to_char(d.day, 'YYYY-MM-DD') AS day, d.day_start, d.interval_minutes, d.import_wh, d.export_wh, d.quality, d.corrections
         FROM meter_days d JOIN unnest($1::text[], $2::text[], $3::date[]) AS k(cluster_id, ppe_code, day)
           ON d.cluster_id = k.cluster_id AND d.ppe_code = k.ppe_code AND d.day = k.day`,
      [list.map((k) => k.clusterId), list.map((k) => k.ppeCode), list.map((k) => k.day)],
    );
    const days = new Map<string, DayRow>(rows.map((r) => [key(r.cluster_id, r.ppe_code, r.day), { ...r, import_wh: unpackWh(r.import_wh), export_wh: unpackWh(r.export_wh) }]));
    for (const { corrected, data } of datas) {
      const k = key(data.clusterId, data.ppeCode, data.day);
      let row = days.get(k);
      if (!row) {
        const size = intervalsInDay(data.day, data.intervalMinutes);
        row = {
          cluster_id: data.clusterId,
          ppe_code: data.ppeCode,
          day: data.day,
          day_start: new Date(data.dayStart),
          interval_minutes: data.intervalMinutes,
          import_wh: new Array<number | null>(size).fill(null),
          export_wh: new Array<number | null>(size).fill(null),
          quality: '-'.repeat(size),
          corrections: 0,
        };
        days.set(k, row);
      }
      const quality = row.quality.split('');
      const positions = positionsOf(data);
      positions.forEach((index, i) => {
        // an event holds one value and one quality character per position
        row.import_wh[index] = data.importWh[i] ?? null;
        row.export_wh[index] = data.exportWh[i] ?? null;
        quality[index] = data.quality.charAt(i) || '-';
      });
      row.quality = quality.join('');
      if (corrected) row.corrections += positions.length;
    }
    let text = '';
    for (const r of days.values()) {
      const present = r.quality.length - (r.quality.match(/-/g)?.length ?? 0);
      text += `${copyText(r.cluster_id)}\t${copyText(r.ppe_code)}\t${r.day}\t${r.day_start.toISOString()}\t${String(r.interval_minutes)}\t${packedWhCopyText(r.import_wh)}\t${packedWhCopyText(r.export_wh)}\t${r.quality}\t${String(present)}\t${String(r.corrections)}\n`;
    }
    // emptied at every commit, and by the runner's savepoint if this batch fails
    await client.query('CREATE TEMP TABLE IF NOT EXISTS meter_days_staging (LIKE meter_days) ON COMMIT DELETE ROWS');
    await pipeline(
      Readable.from([text]),
      client.query(copyFrom('COPY meter_days_staging (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present, corrections) FROM STDIN')),
    );
    await client.query(
      `INSERT INTO meter_days SELECT * FROM meter_days_staging
       ON CONFLICT (cluster_id, ppe_code, day) DO UPDATE SET
         import_wh = EXCLUDED.import_wh, export_wh = EXCLUDED.export_wh, quality = EXCLUDED.quality,
         present = EXCLUDED.present, corrections = EXCLUDED.corrections`,
    );
  },
};
