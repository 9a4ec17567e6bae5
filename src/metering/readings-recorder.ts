// Recording readings: check every reading against the registry, then split them into
// per-PPE, per-month streams and append what is new or corrected. All or nothing at the
// validation step: one bad reading rejects the whole batch and nothing is recorded.
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { WrongExpectedVersionError } from '../event-store/event-store.port.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import {
  evolveMeterStream,
  type MeterEvent,
  type MeterStreamState,
  meterStreamId,
  type PlanCounts,
  planMeterEvents,
  type ReadingInput,
  warsawDayOf,
} from './domain/meter-stream.js';

export interface MeteringRegistryView {
  /** The carrier of a PPE registered in the cluster, or undefined when unknown. */
  carrierOf(ppeCode: string): 'electricity' | 'heat' | undefined;
  /** The member owning the PPE at that instant (active, not decommissioned), or undefined. */
  ownerAt(ppeCode: string, instant: Date): string | undefined;
  /** The settlement interval of the agreement in force for a month, if any. */
  intervalMinutesFor(month: string): number | undefined;
}

export interface ReadingRecord extends ReadingInput {
  ppeCode: string;
}

export interface ImportReport {
  linesRead: number;
  readings: number;
  new: number;
  unchanged: number;
  corrected: number;
  eventsAppended: number;
  status: 'recorded' | 'nothing new';
}

export const MAX_REPORTED_ERRORS = 100;
const ALLOWED_MINUTES = { electricity: [15, 60], heat: [15, 60, 1440] } as const;
const APPEND_CONCURRENCY = 8;

export class ReadingsRejected extends DomainError {
  constructor(readonly lineErrors: FieldError[], readonly totalErrors: number, what: string) {
    super('validation', `${what} was rejected: ${totalErrors} bad ${totalErrors === 1 ? 'entry' : 'entries'}${totalErrors > lineErrors.length ? ` (first ${lineErrors.length} listed)` : ''}; nothing was recorded`, lineErrors);
  }
}

function describe(reading: ReadingRecord, field: string, reason: string, lineBased: boolean): FieldError {
  return lineBased ? { line: reading.line, field, reason } : { field: `readings[${reading.line - 1}].${field}`, reason };
}

/** Registry and calendar checks of every reading; returns the errors (all of them). */
export function checkReadings(readings: ReadingRecord[], registry: MeteringRegistryView, now: Date, lineBased: boolean): { errors: FieldError[]; unique: ReadingRecord[] } {
  const errors: FieldError[] = [];
  const seen = new Map<string, ReadingRecord>();
  for (const reading of readings) {
    const carrier = registry.carrierOf(reading.ppeCode);
    if (!carrier) {
      errors.push(describe(reading, 'ppeCode', `unknown metering point ${reading.ppeCode} in this cluster`, lineBased));
      continue;
    }
    const start = reading.intervalStart;
    const allowed: readonly number[] = ALLOWED_MINUTES[carrier];
    if (!allowed.includes(reading.intervalMinutes)) {
      errors.push(describe(reading, 'intervalMinutes', `${reading.intervalMinutes} minutes is not an interval for ${carrier} (allowed: ${allowed.join(', ')})`, lineBased));
      continue;
    }
    const { dayStart, month } = warsawDayOf(start);
    if ((start.getTime() - dayStart.getTime()) % (reading.intervalMinutes * 60_000) !== 0) {
      errors.push(describe(reading, 'intervalStart', `${start.toISOString()} is not on the ${reading.intervalMinutes}-minute grid`, lineBased));
      continue;
    }
    if (start.getTime() + reading.intervalMinutes * 60_000 > now.getTime()) {
      errors.push(describe(reading, 'intervalStart', `the interval starting ${start.toISOString()} has not ended yet`, lineBased));
      continue;
    }
    const settlementMinutes = registry.intervalMinutesFor(month);
    if (carrier === 'electricity' && settlementMinutes !== undefined && settlementMinutes % reading.intervalMinutes !== 0) {
      errors.push(describe(reading, 'intervalMinutes', `${reading.intervalMinutes}-minute readings cannot be settled in the agreement's ${settlementMinutes}-minute intervals of ${month}`, lineBased));
      continue;
    }
    if (!registry.ownerAt(reading.ppeCode, start)) {
      errors.push(describe(reading, 'ppeCode', `${reading.ppeCode} is not assigned to any member at ${start.toISOString()}`, lineBased));
      continue;
    }
    const key = `${reading.ppeCode}@${start.getTime()}`;
    const twin = seen.get(key);
    if (twin) {
      if (twin.importWh !== reading.importWh || twin.exportWh !== reading.exportWh || twin.quality !== reading.quality || twin.intervalMinutes !== reading.intervalMinutes) {
        errors.push(describe(reading, 'intervalStart', `the interval ${start.toISOString()} of ${reading.ppeCode} appears twice with different values (first at ${lineBased ? 'line' : 'entry'} ${twin.line})`, lineBased));
      }
      continue;
    }
    seen.set(key, reading);
  }
  return { errors, unique: [...seen.values()] };
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function fold(recorded: RecordedEvent[]): { state: MeterStreamState; version: number | 'no_stream' } {
  const state = recorded.reduce((s, e) => evolveMeterStream(s, { type: e.type, data: e.data } as MeterEvent), new Map() as MeterStreamState);
  return { state, version: recorded.length > 0 ? recorded[recorded.length - 1].streamPosition : 'no_stream' };
}

export class MeteringRecorder {
  constructor(private readonly store: EventStore, private readonly runner: ProjectionRunner) {}

  async record(
    clusterId: string,
    readings: ReadingRecord[],
    registry: MeteringRegistryView,
    options: { source: string; fileSha256: string | null; now: Date; lineBased: boolean; linesRead: number; what: string },
  ): Promise<ImportReport> {
    const { errors, unique } = checkReadings(readings, registry, options.now, options.lineBased);
    if (errors.length > 0) throw new ReadingsRejected(errors.slice(0, MAX_REPORTED_ERRORS), errors.length, options.what);

    const groups = new Map<string, { ppeCode: string; readings: ReadingRecord[] }>();
    for (const reading of unique) {
      const streamId = meterStreamId(clusterId, reading.ppeCode, warsawDayOf(reading.intervalStart).month);
      const group = groups.get(streamId) ?? { ppeCode: reading.ppeCode, readings: [] };
      group.readings.push(reading);
      groups.set(streamId, group);
    }
    // Plan every stream before appending any, so a plan error still rejects the whole batch.
    const context = (ppeCode: string) => ({ clusterId, ppeCode, source: options.source, fileSha256: options.fileSha256 });
    const plan = async () => {
      const loaded = await this.loadMany([...groups.keys()]);
      const plans: { streamId: string; version: number | 'no_stream'; events: MeterEvent[]; ppeCode: string; readings: ReadingRecord[] }[] = [];
      const counts: PlanCounts = { new: 0, unchanged: 0, corrected: 0 };
      const errors: FieldError[] = [];
      for (const [streamId, group] of groups) {
        const { state, version } = loaded.get(streamId)!;
        const result = planMeterEvents(state, group.readings, context(group.ppeCode));
        errors.push(...result.errors.map((e) => (options.lineBased ? { line: e.line, field: 'intervalMinutes', reason: e.reason } : { field: `readings[${e.line - 1}].intervalMinutes`, reason: e.reason })));
        counts.new += result.counts.new;
        counts.unchanged += result.counts.unchanged;
        counts.corrected += result.counts.corrected;
        plans.push({ streamId, version, events: result.events, ppeCode: group.ppeCode, readings: group.readings });
      }
      return { plans, counts, errors };
    };
    let { plans, counts, errors: planErrors } = await plan();
    if (planErrors.length > 0) {
      planErrors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      throw new ReadingsRejected(planErrors.slice(0, MAX_REPORTED_ERRORS), planErrors.length, options.what);
    }

    let eventsAppended = 0;
    let lastPosition: string | null = null;
    const noteAppended = (result: { lastGlobalPosition: string }, events: number) => {
      eventsAppended += events;
      if (lastPosition === null || this.store.isAtOrAfter(result.lastGlobalPosition, lastPosition)) lastPosition = result.lastGlobalPosition;
    };
    if (this.store.appendMany) {
      // every PPE-month of the batch in one transaction: recorded whole or not at all
      for (let attempt = 1; ; attempt++) {
        const toAppend = plans.filter((p) => p.events.length > 0);
        if (toAppend.length === 0) break;
        try {
          const results = await this.store.appendMany(toAppend.map((p) => ({ streamId: p.streamId, events: p.events.map((e) => ({ type: e.type, data: e.data })), expectedVersion: p.version })));
          results.forEach((r, i) => noteAppended(r, toAppend[i].events.length));
          break;
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
          // another import wrote to one of these PPE-months meanwhile: plan again on fresh streams
          ({ plans, counts } = await plan());
        }
      }
    } else {
      await inParallel(plans.filter((p) => p.events.length > 0), APPEND_CONCURRENCY, async (p) => {
        let { version, events } = p;
        for (let attempt = 1; ; attempt++) {
          try {
            noteAppended(await this.store.append(p.streamId, events.map((e) => ({ type: e.type, data: e.data })), version), events.length);
            return;
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError) || attempt >= 2) throw error;
            const fresh = await this.load(p.streamId);
            version = fresh.version;
            events = planMeterEvents(fresh.state, p.readings, context(p.ppeCode)).events;
            if (events.length === 0) return;
          }
        }
      });
    }
    if (lastPosition !== null) await this.runner.waitFor(lastPosition, 60_000);
    return {
      linesRead: options.linesRead, readings: readings.length, ...counts, eventsAppended,
      status: eventsAppended > 0 ? 'recorded' : 'nothing new',
    };
  }

  /** Many streams at once when the store can, else one by one (a few in parallel). */
  private async loadMany(streamIds: string[]): Promise<Map<string, { state: MeterStreamState; version: number | 'no_stream' }>> {
    const result = new Map<string, { state: MeterStreamState; version: number | 'no_stream' }>();
    if (this.store.readStreams) {
      for (const [streamId, recorded] of await this.store.readStreams(streamIds)) result.set(streamId, fold(recorded));
    } else {
      await inParallel(streamIds, APPEND_CONCURRENCY, async (id) => { result.set(id, await this.load(id)); });
    }
    return result;
  }

  async load(streamId: string): Promise<{ state: MeterStreamState; version: number | 'no_stream'; history: MeterEvent[] }> {
    const recorded = await this.store.readStream(streamId);
    return { ...fold(recorded), history: recorded.map((e) => ({ type: e.type, data: e.data }) as MeterEvent) };
  }
}
