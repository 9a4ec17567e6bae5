// Audit: the log exported in order with its hashes, the chains verified, a month replayed
// from the events alone and compared with what the service shows.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../core.module.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import type { MemberStatement } from '../settlement/engine/statement.js';
import { checkMonth, SettlementService } from '../settlement/settlement.service.js';
import { ChainVerifier, streamOfCluster } from './verify-chain.js';

const PAGE = 2000;
const COMPARED_FIELDS = [
  'importWh', 'exportWh', 'selfConsumedWh', 'receivedWh', 'suppliedWh', 'gridImportWh', 'gridExportWh',
  'receivedValueGrosze', 'suppliedValueGrosze', 'feesGrosze', 'vatGrosze', 'netAmountGrosze', 'savingsGrosze',
  'exportShareBp', 'importShareBp', 'suppliedShareBp', 'receivedShareBp', 'agreementVersion',
] as const;

export interface Difference {
  memberId: string;
  field: string;
  live: number | null;
  closed: number | null;
  replayed: number | null;
}

@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SettlementService) private readonly settlement: SettlementService,
  ) {}

  /** The log in global order from a cursor, page by page; only the cluster's streams when scoped. */
  async *events(after: string | null, limit: number, clusterId?: string): AsyncGenerator<RecordedEvent & { cursor: string }> {
    let cursor = after;
    let left = limit;
    while (left > 0) {
      const page = await this.store.readAll(cursor, Math.min(PAGE, Math.max(left, 1)));
      if (page.events.length === 0) return;
      for (const event of page.events) {
        if (clusterId && !streamOfCluster(event.streamId, clusterId)) continue;
        yield { ...event, cursor: event.globalPosition };
        if (--left <= 0) return;
      }
      cursor = page.cursor;
    }
  }

  async verify(clusterId?: string) {
    const verifier = new ChainVerifier();
    for await (const event of this.events(null, Number.MAX_SAFE_INTEGER, clusterId)) verifier.add(event);
    return verifier.result();
  }

  /** The month from the event log alone, compared with the live projection (and the close, once months close). */
  async replay(clusterId: string, month: string) {
    checkMonth(month);
    const replayed = await this.settlement.calculateFromEvents(clusterId, month);
    const live = await this.settlement.clusterMonth(clusterId, month);
    const closed = await this.closedStatements(clusterId, month);
    const differences: Difference[] = [];
    const members = new Set([...replayed.statements.map((s) => s.memberId), ...live.statements.map((s) => s.memberId), ...(closed ?? []).map((s) => s.memberId)]);
    for (const memberId of [...members].sort()) {
      const r = replayed.statements.find((s) => s.memberId === memberId);
      const l = live.statements.find((s) => s.memberId === memberId);
      const c = closed?.find((s) => s.memberId === memberId);
      for (const field of COMPARED_FIELDS) {
        const values = { replayed: r ? (r[field] as number) : null, live: l ? (l[field] as number) : null, closed: closed ? (c ? (c[field] as number) : null) : null };
        if (values.replayed !== values.live || (closed && values.closed !== values.replayed)) differences.push({ memberId, field, ...values });
      }
    }
    return { clusterId, month, identical: differences.length === 0, closed: closed !== undefined, agreementVersion: replayed.agreement.version, members: members.size, differences };
  }

  /** The statements a month close recorded, when the month is closed. */
  private async closedStatements(clusterId: string, month: string): Promise<MemberStatement[] | undefined> {
    const events = await this.store.readStream(`settlement-${clusterId}-${month}`);
    const close = events.find((e) => e.type === 'SettlementPeriodClosed');
    return close ? (close.data.statements as MemberStatement[]) : undefined;
  }
}
