// Marks the cluster months whose provisional settlement must be computed again when
// readings arrive, and the days they arrived for (a month whose marks since it was stored
// are all days is computed again for those days alone: queries/provisional-months.ts). Registry and agreement changes are caught by the registry version
// each stored settlement remembers (see queries/cluster-months.ts, readFreshStoredMonth).
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { contractMonths, TRADING_EVENT_TYPES } from '../trading/domain/contracts.js';

export const settlementInputsProjection: Projection = {
  name: 'settlement-inputs',
  version: 2,
  tables: ['settlement_dirty_months', 'settlement_dirty_days'],
  eventTypes: ['MeterReadingsRecorded', 'MeterReadingsCorrected', ...TRADING_EVENT_TYPES],
  async apply(client: PoolClient, events: RecordedEvent[]) {
    // by cluster month: the last position, whether a mark reaches the whole month, the days readings came for
    const months = new Map<string, { clusterId: string; month: string; position: string; whole: boolean; days: Set<string> }>();
    const mark = (clusterId: string, month: string, position: string, day: string | null) => {
      const key = `${clusterId}|${month}`;
      const known = months.get(key) ?? { clusterId, month, position, whole: false, days: new Set<string>() };
      known.position = position;
      if (day === null) known.whole = true;
      else known.days.add(day);
      months.set(key, known);
    };
    for (const event of events) {
      if (event.type === 'BilateralContractSigned' || event.type === 'BilateralContractTerminated') {
        // a contract touches every month it can deliver in
        // a signed contract runs from validFrom, a termination from effectiveFrom
        const data = event.data as { validFrom: string; validTo: string } | { effectiveFrom: string; validTo: string };
        const clusterId = event.streamId.slice('trading-'.length);
        const validFrom = 'validFrom' in data ? data.validFrom : data.effectiveFrom;
        for (const month of contractMonths({ validFrom, validTo: data.validTo })) mark(clusterId, month, event.globalPosition, null);
        continue;
      }
      const data = event.data as { clusterId: string; day: string };
      mark(data.clusterId, data.day.slice(0, 7), event.globalPosition, data.day);
    }
    const list = [...months.values()];
    // one new seq a month; its days carry the same seq (a stored month computed after it has seen them)
    const { rows } = await client.query<{ cluster_id: string; month: string; seq: string }>(
      `INSERT INTO settlement_dirty_months (cluster_id, month, seq, marked_through, whole_seq)
       SELECT c, m, s, p, CASE WHEN w THEN s ELSE 0 END
         FROM (SELECT c, m, p, w, nextval('settlement_dirty_seq') AS s FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[]) AS t(c, m, p, w)) AS marks
       ON CONFLICT (cluster_id, month) DO UPDATE SET seq = EXCLUDED.seq, marked_through = EXCLUDED.marked_through,
         whole_seq = CASE WHEN EXCLUDED.whole_seq > 0 THEN EXCLUDED.whole_seq ELSE settlement_dirty_months.whole_seq END
       RETURNING cluster_id, month, seq`,
      [list.map((l) => l.clusterId), list.map((l) => l.month), list.map((l) => l.position), list.map((l) => l.whole)],
    );
    const seqOf = new Map(rows.map((r) => [`${r.cluster_id}|${r.month}`, r.seq]));
    const days = list.flatMap((l) => [...l.days].map((day) => ({ ...l, day, seq: seqOf.get(`${l.clusterId}|${l.month}`) ?? '' })));
    if (days.length === 0) return;
    await client.query(
      `INSERT INTO settlement_dirty_days (cluster_id, month, day, seq)
       SELECT c, m, d::date, s::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, m, d, s)
       ON CONFLICT (cluster_id, month, day) DO UPDATE SET seq = EXCLUDED.seq`,
      [days.map((d) => d.clusterId), days.map((d) => d.month), days.map((d) => d.day), days.map((d) => d.seq)],
    );
  },
};
