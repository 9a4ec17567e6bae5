// A closed month's day-by-day and interval detail for one member, as the close saw it: the
// same calculation fed from the events up to the close's position (what arrived later is
// the pending correction, shown apart). A closed month never changes, so each result is
// kept (a few, by close digest) instead of reading the month's events at every page.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import type { ClosedMonthData } from '../../settlement/domain/closing.js';
import { SettlementService } from '../../settlement/queries/settlement.service.js';
import type { CurvePoint, DayRow } from '../http/views/member-month.js';

interface Detail {
  daily: DayRow[];
  curves: Map<string, CurvePoint[]>;
}

const KEPT = 32;

@Injectable()
export class ClosedDetail {
  private readonly kept = new Map<string, Detail>();

  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async of(closed: ClosedMonthData, memberId: string): Promise<Detail> {
    const key = `${closed.clusterId}|${closed.month}|${memberId}|${closed.inputDigest}`;
    const hit = this.kept.get(key);
    if (hit) return hit;
    const detail: Detail = { daily: [], curves: new Map() };
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    await this.settlement.calculateFromEvents(
      closed.clusterId,
      closed.month,
      (e: RecordedEvent) => this.store.isAtOrAfter(closed.lastEventPosition, e.globalPosition),
      {},
      undefined,
      (details) => {
        const d = details.find((x) => x.memberId === memberId);
        if (!d) return;
        detail.daily.push({
          day: d.day,
          selfConsumedWh: sum(d.selfConsumedWh),
          receivedWh: sum(d.receivedWh),
          gridImportWh: sum(d.gridImportWh),
          suppliedWh: sum(d.suppliedWh),
          gridExportWh: sum(d.gridExportWh),
        });
        detail.curves.set(
          d.day,
          d.importWh.map((_, j) => ({
            intervalStart: new Date(d.dayStart.getTime() + j * d.intervalMinutes * 60_000).toISOString(),
            importWh: d.importWh[j] ?? null,
            receivedWh: d.receivedWh[j] ?? null,
            exportWh: d.exportWh[j] ?? null,
          })),
        );
      },
    );
    detail.daily.sort((a, b) => a.day.localeCompare(b.day));
    const oldest = this.kept.keys().next();
    if (this.kept.size >= KEPT && !oldest.done) this.kept.delete(oldest.value);
    this.kept.set(key, detail);
    return detail;
  }
}
