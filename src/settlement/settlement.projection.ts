// Marks the cluster months whose provisional settlement must be computed again when
// readings arrive. Registry and agreement changes are caught by the registry version
// each stored settlement remembers (see queries/cluster-months.ts, readFreshStoredMonth).
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { contractMonths, TRADING_EVENT_TYPES } from '../trading/domain/contracts.js';

export const settlementInputsProjection: Projection = {
  name: 'settlement-inputs',
  version: 2,
  tables: ['settlement_dirty_months'],
  eventTypes: ['MeterReadingsRecorded', 'MeterReadingsCorrected', ...TRADING_EVENT_TYPES],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    const months = new Map<string, { clusterId: string; month: string; position: string }>();
    const mark = (clusterId: string, month: string, position: string) => months.set(`${clusterId}|${month}`, { clusterId, month, position });
    for (const event of events) {
      if (event.type === 'BilateralContractSigned' || event.type === 'BilateralContractTerminated') {
        // a contract touches every month it can deliver in
        // a signed contract runs from validFrom, a termination from effectiveFrom
        const data = event.data as { validFrom: string; validTo: string } | { effectiveFrom: string; validTo: string };
        const clusterId = event.streamId.slice('trading-'.length);
        const validFrom = 'validFrom' in data ? data.validFrom : data.effectiveFrom;
        for (const month of contractMonths({ validFrom, validTo: data.validTo })) mark(clusterId, month, event.globalPosition);
        continue;
      }
      const data = event.data as { clusterId: string; day: string };
      mark(data.clusterId, data.day.slice(0, 7), event.globalPosition);
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
