// Marks the cluster months whose provisional settlement must be computed again when
// readings arrive. Registry and agreement changes are caught by the registry version
// each stored settlement remembers (see SettlementService.isFresh).
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';

export const settlementInputsProjection: Projection = {
  name: 'settlement-inputs',
  version: 1,
  tables: ['settlement_dirty_months'],
  eventTypes: ['MeterReadingsRecorded', 'MeterReadingsCorrected'],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    const months = new Map<string, { clusterId: string; month: string; position: string }>();
    for (const event of events) {
      const data = event.data as { clusterId: string; day: string };
      const month = data.day.slice(0, 7);
      months.set(`${data.clusterId}|${month}`, { clusterId: data.clusterId, month, position: event.globalPosition });
    }
    const list = [...months.values()];
    await client.query(
      `INSERT INTO settlement_dirty_months (cluster_id, month, seq, marked_through)
       SELECT c, m, nextval('settlement_dirty_seq'), p FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c, m, p)
       ON CONFLICT (cluster_id, month) DO UPDATE SET seq = EXCLUDED.seq, marked_through = EXCLUDED.marked_through`,
      [list.map((l) => l.clusterId), list.map((l) => l.month), list.map((l) => l.position)],
    );
  },
};
