// A cluster month recomputed from the event log alone, as a replay would: the cluster
// stream, every PPE's meter streams, the trading stream and what the plugged-in pass reads,
// each filtered by the caller (every event, those recorded up to an instant, or those up to
// the position a close read). The input events come back too, for the close's digest.
import { type EventStore, readManyStreams, type RecordedEvent } from '../../event-store/event-store.port.js';
import { type ClusterEvent, type ClusterState, clusterStreamId, evolve, initialClusterState } from '../../clusters/domain/registry.js';
import { daysOfMonth, evolveMeterStream, intervalsInDay, legacyMeterStreamId, type MeterEvent, type MeterStreamState, meterStreamId } from '../../metering/domain/meter-stream.js';
import { contractsActiveAt, contractsInOrder, evolveTrading, initialTradingState, type TradingEvent, type TradingState, tradingStreamId } from '../../trading/domain/contracts.js';
import { DomainError } from '../../shared/domain-error.js';
import type { ContractTerms } from '../domain/engine/statement.js';
import { calculateMonth, type ContractsAt, type MemberDayDetail, type MonthCalculation } from '../domain/month-calculation.js';
import { type MeterDayValues, whValues } from '../../metering/domain/meter-day-values.js';
import type { MonthExtension } from '../month-extension.js';

export type EventFilter = (event: RecordedEvent) => boolean;

export type MonthFromEvents = MonthCalculation & { inputs: RecordedEvent[]; extensionVersion: number };

/** The cluster's contracts from its trading stream, ready for the engine (the events read pushed to inputs). */
export async function contractsFromLog(store: EventStore, clusterId: string, upTo: EventFilter = () => true, inputs?: RecordedEvent[]): Promise<{ terms: ContractTerms[]; at: ContractsAt }> {
  const events = (await store.readStream(tradingStreamId(clusterId))).filter(upTo);
  inputs?.push(...events);
  const state = events.reduce<TradingState>((s, e) => evolveTrading(s, { type: e.type, data: e.data } as TradingEvent), initialTradingState());
  const ordered = contractsInOrder(state);
  return {
    terms: ordered.map((c) => ({ contractId: c.contractId, sellerMemberId: c.sellerMemberId, buyerMemberId: c.buyerMemberId, priceGroszePerMwh: c.priceGroszePerMwh })),
    at: ordered.length === 0 ? () => [] : (t) => contractsActiveAt(ordered, t),
  };
}

/** A PPE's days as its meter streams folded give them: a value per interval, NO_WH where none was recorded (whValues checks each). */
function meterDaysOf(ppeCode: string, meter: MeterStreamState): MeterDayValues[] {
  const days: MeterDayValues[] = [];
  for (const [day, values] of meter) {
    const size = intervalsInDay(day, values.intervalMinutes);
    const importWh = new Array<number | null>(size).fill(null);
    const exportWh = new Array<number | null>(size).fill(null);
    const quality = new Array<string>(size).fill('-');
    for (const [index, v] of values.values) {
      importWh[index] = v.importWh;
      exportWh[index] = v.exportWh;
      quality[index] = v.quality;
    }
    days.push({ ppeCode, dayStart: new Date(values.dayStart), intervalMinutes: values.intervalMinutes, importWh: whValues(importWh), exportWh: whValues(exportWh), quality: quality.join('') });
  }
  return days;
}

export async function calculateFromEvents(
  store: EventStore,
  extension: MonthExtension | null,
  clusterId: string,
  month: string,
  upTo: EventFilter = () => true,
  extras: { transfers?: boolean; detail?: boolean } = {},
  range?: { start: Date; end: Date },
  onDay?: (details: MemberDayDetail[]) => void,
): Promise<MonthFromEvents> {
  const inputs: RecordedEvent[] = [];
  const clusterEvents = (await store.readStream(clusterStreamId(clusterId))).filter(upTo);
  if (clusterEvents.length === 0) throw DomainError.notFound('The cluster was not found (at that instant)');
  inputs.push(...clusterEvents);
  const state = clusterEvents.reduce<ClusterState>((s, e) => evolve(s, { type: e.type, data: e.data } as ClusterEvent), initialClusterState());
  const days: MeterDayValues[] = [];
  const monthDays = daysOfMonth(month);
  for (const ppeCode of Object.keys(state.points).sort()) {
    // the month stream of the first version first, then the day streams
    const streams = await readManyStreams(store, [legacyMeterStreamId(clusterId, ppeCode, month), ...monthDays.map((day) => meterStreamId(clusterId, ppeCode, day))]);
    const events = [...streams.values()].flat().filter(upTo);
    inputs.push(...events);
    days.push(
      ...meterDaysOf(
        ppeCode,
        events.reduce<MeterStreamState>((s, e) => evolveMeterStream(s, { type: e.type, data: e.data } as MeterEvent), new Map()),
      ),
    );
  }
  const contracts = await contractsFromLog(store, clusterId, upTo, inputs);
  // what the plugged-in pass reads (the law in force), up to the same point: part of the inputs and of the digest
  const prepared = await extension?.prepare({ upTo, inputs, detail: extras.detail });
  const calculation = await calculateMonth(state, month, days, contracts, onDay, range, { transfers: extras.transfers, pass: prepared?.pass });
  return { ...calculation, inputs, extensionVersion: prepared?.version ?? -1 };
}
