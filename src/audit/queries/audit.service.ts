// Audit: the log exported in order with its hashes, the chains verified, a month replayed
// from the events alone and compared with what the service shows.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { checkMonth, SettlementService } from '../../settlement/queries/settlement.service.js';
import { inputDigest } from '../../settlement/domain/closing.js';
import { toTuples } from '../../settlement/domain/engine/transfers.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { type Anchor } from '../domain/anchor.js';
import { streamOfCluster } from '../../event-store/stream-names.js';
import { ChainVerifier } from '../domain/verify-chain.js';

const PAGE = 2000;
const COMPARED_FIELDS = [
  'importWh',
  'exportWh',
  'selfConsumedWh',
  'receivedWh',
  'suppliedWh',
  'gridImportWh',
  'gridExportWh',
  'receivedValueGrosze',
  'suppliedValueGrosze',
  'feesGrosze',
  'vatGrosze',
  'netAmountGrosze',
  'savingsGrosze',
  'exportShareBp',
  'importShareBp',
  'suppliedShareBp',
  'receivedShareBp',
  'agreementVersion',
] as const;

export interface Difference {
  memberId: string;
  field: string;
  live: number | null;
  closed: number | null;
  replayed: number | null;
}

/** What verify answers: intact or the broken links, the heads digest, and the comparison with an anchor. */
export type VerifyResult = ReturnType<ChainVerifier['result']>;

/** What replay answers: whether the replay, the live view and the close agree, and every difference. */
export interface ReplayResult {
  clusterId: string;
  month: string;
  identical: boolean;
  replayedIdentical: boolean;
  liveIdentical: boolean;
  closed: boolean;
  digest: { closed: string; replayed: string; matches: boolean } | null;
  transfers: { identical: boolean; closedRows: number; replayedRows: number } | null;
  support: { identical: boolean } | null;
  agreementVersion: number;
  members: number;
  differences: Difference[];
}

@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
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

  /**
   * Every chain in scope recomputed, with the digest over the stream heads; given an
   * anchor kept earlier, the streams whose history changed since (only those in scope).
   */
  async verify(clusterId?: string, anchor?: Anchor): Promise<VerifyResult> {
    return (await this.verifyWithHeads(clusterId, anchor)).result();
  }

  /** The verifier after the whole pass: its result and the heads (GET /audit/heads). */
  async verifyWithHeads(clusterId?: string, anchor?: Anchor): Promise<ChainVerifier> {
    const scoped = anchor?.heads && clusterId ? { ...anchor, heads: new Map([...anchor.heads].filter(([id]) => streamOfCluster(id, clusterId))) } : anchor;
    const verifier = new ChainVerifier(scoped, (a, b) => this.store.isAtOrAfter(a, b));
    for await (const event of this.events(null, Number.MAX_SAFE_INTEGER, clusterId)) verifier.add(event);
    return verifier;
  }

  /**
   * The month from the event log alone. Open: compared with the live projection. Closed:
   * replayed from the events the close read (up to its last position), compared with the
   * closed statements and their input digest; the live projection's differences from the
   * close are listed too (they are pending corrections, not errors of the close).
   * replayedIdentical: the replay reproduces the close (or, open, the live view);
   * liveIdentical: the live view equals the close (open: the replay); identical: both.
   */
  async replay(clusterId: string, month: string): Promise<ReplayResult> {
    checkMonth(month);
    const closedMonth = await this.settlement.closedMonth(clusterId, month);
    const upTo = closedMonth ? (e: RecordedEvent) => this.store.isAtOrAfter(closedMonth.lastEventPosition, e.globalPosition) : () => true;
    const replayed = await this.settlement.calculateFromEvents(clusterId, month, upTo, { transfers: closedMonth !== undefined });
    // the read model's rows as stored (not what a process keeps parsed): a changed row is reported
    const liveStatements = await this.settlement.provisionalStatements(clusterId, month);
    const closed = closedMonth?.statements;
    const differences: Difference[] = [];
    let replayedIdentical = true;
    let liveIdentical = true;
    const members = new Set([...replayed.statements.map((s) => s.memberId), ...liveStatements.map((s) => s.memberId), ...(closed ?? []).map((s) => s.memberId)]);
    for (const memberId of [...members].sort()) {
      const r = replayed.statements.find((s) => s.memberId === memberId);
      const l = liveStatements.find((s) => s.memberId === memberId);
      const c = closed?.find((s) => s.memberId === memberId);
      for (const field of COMPARED_FIELDS) {
        const values = { replayed: r ? r[field] : null, live: l ? l[field] : null, closed: closed ? (c ? c[field] : null) : null };
        // closed: the replay is checked against the close, the live view against the close
        // (its differences are pending corrections); open: the replay against the live view
        const replayDiffers = closed ? values.replayed !== values.closed : values.replayed !== values.live;
        const liveDiffers = closed ? values.live !== values.closed : replayDiffers;
        if (replayDiffers) replayedIdentical = false;
        if (liveDiffers) liveIdentical = false;
        if (replayDiffers || liveDiffers) differences.push({ memberId, field, ...values });
      }
    }
    const digest = closedMonth ? { closed: closedMonth.inputDigest, replayed: inputDigest(replayed.inputs), matches: closedMonth.inputDigest === inputDigest(replayed.inputs) } : null;
    if (digest && !digest.matches) replayedIdentical = false;
    // the transfer matrix and the support ledger frozen in the close, recomputed (absent from closes before them: null)
    const closedSupport = closedMonth ? await this.settlement.closedSupport(clusterId, month) : undefined;
    const transfers = closedMonth?.transfers
      ? {
          identical: canonicalJson(closedMonth.transfers) === canonicalJson(toTuples(replayed.transfers ?? [])),
          closedRows: closedMonth.transfers.length,
          replayedRows: replayed.transfers?.length ?? 0,
        }
      : null;
    const support = closedSupport ? { identical: canonicalJson(closedSupport.ledger) === canonicalJson(replayed.extension?.result ?? null) } : null;
    if (transfers?.identical === false || support?.identical === false) replayedIdentical = false;
    return {
      clusterId,
      month,
      // identical only when nothing differs: a listed difference never comes with true
      identical: replayedIdentical && liveIdentical && differences.length === 0,
      replayedIdentical,
      liveIdentical,
      closed: closedMonth !== undefined,
      digest,
      transfers,
      support,
      agreementVersion: replayed.agreement.version,
      members: members.size,
      differences,
    };
  }
}
