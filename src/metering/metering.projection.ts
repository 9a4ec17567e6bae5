// meter_days from MeterReadingsRecorded/Corrected: for each batch, read the touched day
// rows once, merge in memory, write them back with one unnest upsert.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { intervalsInDay, type MeterDayEventData, type MeterDayRow, positionsOf } from './domain/meter-stream.js';

type DayRow = MeterDayRow;

const key = (clusterId: string, ppeCode: string, day: string) => `${clusterId}\u0000${ppeCode}\u0000${day}`;
const arrayLiteral = (values: (number | null)[]) => '{' + values.map((v) => (v === null ? 'NULL' : String(v))).join(',') + '}';

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
    const { rows } = await client.query<DayRow>(
      `SELECT d.cluster_id, d.ppe_code, to_char(d.day, 'YYYY-MM-DD') AS day, d.day_start, d.interval_minutes, d.import_wh, d.export_wh, d.quality, d.corrections
         FROM meter_days d JOIN unnest($1::text[], $2::text[], $3::date[]) AS k(cluster_id, ppe_code, day)
           ON d.cluster_id = k.cluster_id AND d.ppe_code = k.ppe_code AND d.day = k.day`,
      [list.map((k) => k.clusterId), list.map((k) => k.ppeCode), list.map((k) => k.day)],
    );
    const days = new Map<string, DayRow>(rows.map((r) => [key(r.cluster_id, r.ppe_code, r.day), r]));
    for (const { corrected, data } of datas) {
      const k = key(data.clusterId, data.ppeCode, data.day);
      let row = days.get(k);
      if (!row) {
        const size = intervalsInDay(data.day, data.intervalMinutes);
        row = {
          cluster_id: data.clusterId, ppe_code: data.ppeCode, day: data.day, day_start: new Date(data.dayStart),
          interval_minutes: data.intervalMinutes, import_wh: new Array(size).fill(null), export_wh: new Array(size).fill(null),
          quality: '-'.repeat(size), corrections: 0,
        };
        days.set(k, row);
      }
      const quality = row.quality.split('');
      const positions = positionsOf(data);
      positions.forEach((index, i) => {
        row.import_wh[index] = data.importWh[i];
        row.export_wh[index] = data.exportWh[i];
        quality[index] = data.quality[i];
      });
      row.quality = quality.join('');
      if (corrected) row.corrections += positions.length;
    }
    const all = [...days.values()];
    await client.query(
      `INSERT INTO meter_days (cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, present, corrections)
       SELECT cluster_id, ppe_code, day, day_start, interval_minutes, import_wh::bigint[], export_wh::bigint[], quality,
              length(replace(quality, '-', '')), corrections
         FROM unnest($1::text[], $2::text[], $3::date[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::text[], $9::int[])
           AS t(cluster_id, ppe_code, day, day_start, interval_minutes, import_wh, export_wh, quality, corrections)
       ON CONFLICT (cluster_id, ppe_code, day) DO UPDATE SET
         import_wh = EXCLUDED.import_wh, export_wh = EXCLUDED.export_wh, quality = EXCLUDED.quality,
         present = EXCLUDED.present, corrections = EXCLUDED.corrections`,
      [
        all.map((r) => r.cluster_id), all.map((r) => r.ppe_code), all.map((r) => r.day), all.map((r) => r.day_start),
        all.map((r) => r.interval_minutes), all.map((r) => arrayLiteral(r.import_wh)), all.map((r) => arrayLiteral(r.export_wh)),
        all.map((r) => r.quality), all.map((r) => r.corrections),
      ],
    );
  },
};
