// Closing a month: the settlement-{cluster}-{month} stream records, once, every member's
// statement, the agreement version, the last event position read and a digest of the
// input events, so anyone can reproduce the numbers from the log. Pure.
import { createHash } from 'node:crypto';
import { DomainError } from '../shared/domain-error.js';
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

export const closeDecider = {
  initialState: (): CloseState => ({ closed: null }),
  evolve(state: CloseState, event: CloseEvent): CloseState {
    return event.type === 'SettlementPeriodClosed' ? { closed: event.data } : state;
  },
  decide(command: { type: 'CloseMonth'; data: ClosedMonthData; support?: ClosedSupportData }, state: CloseState): CloseEvent[] {
    if (state.closed) throw DomainError.conflict(`${command.data.month} was closed at ${state.closed.closedAt}; a closed month's statements never change`);
    // one append: the statements and the support ledger are closed together or not at all
    const events: CloseEvent[] = [{ type: 'SettlementPeriodClosed', data: command.data }];
    if (command.support) events.push({ type: 'SupportLedgerClosed', data: command.support });
    return events;
  },
};
