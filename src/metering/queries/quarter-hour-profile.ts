// The cluster profile an hour is divided by (hourlySplit=cluster-profile): the quarter-hours
// the cluster's other PPE measured that day in the read model (values split from hours
// themselves do not count), summed per direction.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import { HOURLY_SPLIT_QUALITY } from '../domain/hourly-split.js';
import type { HourShape } from '../domain/readings-batch.js';
import { unpackWh } from '../domain/packed-wh.js';

interface ProfileRow {
  ppe_code: string;
  day: string;
  import_wh: Buffer;
  export_wh: Buffer;
  quality: string;
}

interface ProfileDay {
  ppeCode: string;
  importWh: (number | null)[];
  exportWh: (number | null)[];
  quality: string;
}

@Injectable()
export class QuarterHourProfile {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The shape of the cluster's quarter-hours on these days. */
  async shapeOf(clusterId: string, days: string[]): Promise<HourShape> {
    const { rows } = await this.pool.query<ProfileRow>(
      `SELECT ppe_code, to_char(day, 'YYYY-MM-DD') AS day, import_wh, export_wh, quality FROM meter_days
        WHERE cluster_id = $1 AND day = ANY($2::date[]) AND interval_minutes = 15`,
      [clusterId, [...new Set(days)]],
    );
    const profile = new Map<string, ProfileDay[]>();
    for (const row of rows) {
      const list = profile.get(row.day) ?? [];
      list.push({ ppeCode: row.ppe_code, importWh: unpackWh(row.import_wh), exportWh: unpackWh(row.export_wh), quality: row.quality });
      profile.set(row.day, list);
    }
    return (values, position, direction) => {
      const weights = [0, 0, 0, 0];
      for (const row of profile.get(values.day) ?? []) {
        if (row.ppeCode === values.ppeCode) continue;
        const wh = direction === 'import' ? row.importWh : row.exportWh;
        for (let q = 0; q < 4; q++) {
          const quality = row.quality[position + q];
          if (quality === '-' || quality === HOURLY_SPLIT_QUALITY || quality === undefined) continue;
          weights[q] = (weights[q] ?? 0) + (wh[position + q] ?? 0);
        }
      }
      return weights;
    };
  }
}
