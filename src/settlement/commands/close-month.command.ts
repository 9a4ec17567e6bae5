// The close of a month, sent through the CommandBus; its handler is commands/close-month.ts.
import { StreamCommand, type StreamCommandOutcome } from '../../command-path/stream-command.js';
import type { CloseEvent, ClosedMonthData } from '../domain/closing.js';

export interface CloseOptions {
  allowGaps: boolean;
  reason: string | null;
  gaps: { ppeCode: string; missingIntervals: number }[];
}

export class CloseMonth extends StreamCommand<CloseEvent> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly options: CloseOptions,
    /** When the close is asked (the clock, unless a caller gives it). */
    readonly now = new Date(),
  ) {
    super();
  }
}

/** What a close recorded (its SettlementPeriodClosed), with the stream version. */
export function closedMonthOf({ events, streamVersion }: StreamCommandOutcome<CloseEvent>): ClosedMonthData & { streamVersion: number } {
  const closed = events.find((e) => e.type === 'SettlementPeriodClosed');
  if (!closed) throw new Error('The close recorded no SettlementPeriodClosed');
  return { ...closed.data, streamVersion };
}
