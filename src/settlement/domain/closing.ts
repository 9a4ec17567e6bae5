// Closing a month: the settlement-{cluster}-{month} stream records, once, every member's
// statement, the agreement version, the last event position read and a digest of the
// input events, so anyone can reproduce the numbers from the log. Pure.
import { createHash } from 'node:crypto';
import { monthBounds } from '../../shared/calendar.js';
import { DomainError } from '../../shared/domain-error.js';
import type { ClusterMonth, MemberStatement } from './engine/statement.js';
import type { TransferTuple } from './engine/transfers.js';

export interface ClosedMonthData extends Record<string, unknown> {
  clusterId: string;
  month: string;
  agreementVersion: number;
  statements: MemberStatement[];
  totals: ClusterMonth;
  /** The global position of the last input event read. */
  lastEventPosition: string;
  inputEvents: number;
  inputDigest: string;
  allowGaps: boolean;
  reason: string | null;
  gaps: { ppeCode: string; missingIntervals: number }[];
  closedAt: string;
  /**
   * The transfer matrix, [fromMemberId, toMemberId, kind, wh] sorted by supplier, receiver,
   * kind. Absent from months closed before it existed (the replay recomputes it).
   */
  transfers?: TransferTuple[];
}

/** What the plugged-in pass (the hourly support ledger) computed, as it stood at the close. */
export interface ClosedSupportData extends Record<string, unknown> {
  clusterId: string;
  month: string;
  ledger: Record<string, unknown>;
  /** The version of what the pass read (the legal-parameters stream; -1: the shipped defaults alone). */
  parametersVersion: number;
  closedAt: string;
}

export type CloseEvent = { type: 'SettlementPeriodClosed'; data: ClosedMonthData } | { type: 'SupportLedgerClosed'; data: ClosedSupportData };
export interface CloseState {
  closed: ClosedMonthData | null;
}

export function settlementStreamId(clusterId: string, month: string): string {
  return `settlement-${clusterId}-${month}`;
}

/**
 * The input digest: SHA-256 (hex) of one line per input event, "streamId TAB
 * streamPosition TAB hash LF", sorted by stream id (code units) then position. Each
 * event hash chains its content, so the digest commits to every input value.
 */
export function inputDigest(events: { streamId: string; streamPosition: number; hash: string }[]): string {
  const lines = events
    .map((e) => ({ s: e.streamId, p: e.streamPosition, h: e.hash }))
    .sort((a, b) => (a.s === b.s ? a.p - b.p : a.s < b.s ? -1 : 1))
    .map((e) => `${e.s}\t${String(e.p)}\t${e.h}\n`);
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}

export interface CloseRequest {
  month: string;
  /** When the close is asked (the handler's clock). */
  closedAt: string;
  gaps: { ppeCode: string; missingIntervals: number }[];
  allowGaps: boolean;
}

/**
 * Why a month cannot be closed, or null: it has not ended in Warsaw time, it has gaps and
 * no allowGaps, or it is closed already. The close decider's rules; the close handler asks
 * them before computing the month too, so that a refused close costs no computation.
 */
export function closeRefusal(request: CloseRequest, closedAt: string | null): DomainError | null {
  const { end } = monthBounds(request.month);
  if (end > new Date(request.closedAt)) return DomainError.conflict(`${request.month} has not ended yet in Warsaw time; it can be closed from ${end.toISOString()}`);
  if (request.gaps.length > 0 && !request.allowGaps) {
    const list = request.gaps
      .slice(0, 10)
      .map((g) => `${g.ppeCode} (${String(g.missingIntervals)} intervals)`)
      .join(', ');
    return DomainError.conflict(`${request.month} has missing readings: ${list}${request.gaps.length > 10 ? ', ...' : ''}. Send allowGaps with a reason to close it anyway`);
  }
  if (closedAt !== null) return DomainError.conflict(`${request.month} was closed at ${closedAt}: it is closed already, and a closed month's statements never change`);
  return null;
}

export interface CloseMonthCommand {
  type: 'CloseMonth';
  data: ClosedMonthData;
  /** The support ledger, closed in the same append. */
  support?: ClosedSupportData;
}

export const closeDecider = {
  initialState: (): CloseState => ({ closed: null }),
  evolve(state: CloseState, event: CloseEvent): CloseState {
    return event.type === 'SettlementPeriodClosed' ? { closed: event.data } : state;
  },
  decide(command: CloseMonthCommand, state: CloseState): CloseEvent[] {
    const refusal = closeRefusal(command.data, state.closed?.closedAt ?? null);
    if (refusal) throw refusal;
    // one append: the statements and the support ledger are closed together or not at all
    const events: CloseEvent[] = [{ type: 'SettlementPeriodClosed', data: command.data }];
    if (command.support) events.push({ type: 'SupportLedgerClosed', data: command.support });
    return events;
  },
};
