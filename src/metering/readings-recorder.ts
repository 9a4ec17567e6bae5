// Recording readings: check every reading against the registry, then split them into
// per-PPE, per-day streams and append what is new or corrected. All or nothing at the
// validation step: one bad reading rejects the whole batch and nothing is recorded.
import { type AppendResult, type EventStore, readManyStreams, type RecordedEvent } from '../event-store/event-store.port.js';
import { WrongExpectedVersionError } from '../event-store/event-store.port.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import {
  evolveMeterStream,
  METER_EVENT_SCHEMA_VERSION,
  minutesOfMonthStartingAt,
  type MeterEvent,
  type MeterStreamState,
  meterStreamId,
  type PlanCounts,
  planMeterEvents,
  type ReadingInput,
  warsawDayOfMs,
} from './domain/meter-stream.js';

export interface MeteringRegistryView {
  /**
   * A PPE registered in the cluster: its carrier and the periods a member holds it (UTC
   * milliseconds, the end exclusive or null); undefined when unknown.
   */
  point(ppeCode: string): { carrier: 'electricity' | 'heat'; held: { fromMs: number; toMs: number | null }[] } | undefined;
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

interface StreamPlan {
  streamId: string;
  version: number | 'no_stream';
  events: MeterEvent[];
}
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

/**
 * Registry and calendar checks of every reading; returns the errors (all of them) and the
 * readings grouped by PPE, each interval once. Per-PPE and per-month facts are looked up
 * once: a large batch asks the same questions for every one of its readings.
 */
export function checkReadings(readings: ReadingRecord[], registry: MeteringRegistryView, now: Date, lineBased: boolean): { errors: FieldError[]; byPpe: Map<string, ReadingRecord[]> } {
  const errors: FieldError[] = [];
  type Point = NonNullable<ReturnType<MeteringRegistryView['point']>> & { readings: ReadingRecord[]; seen: Map<number, ReadingRecord> };
  const byPpe = new Map<string, Point | null>();
  const settlementMinutes = new Map<string, number | undefined>();
  const nowMs = now.getTime();
  for (const reading of readings) {
    let ppe = byPpe.get(reading.ppeCode);
    if (ppe === undefined) {
      const point = registry.point(reading.ppeCode);
      ppe = point ? { ...point, readings: [], seen: new Map() } : null;
      byPpe.set(reading.ppeCode, ppe);
    }
    if (ppe === null) {
      errors.push(describe(reading, 'ppeCode', `unknown metering point ${reading.ppeCode} in this cluster`, lineBased));
      continue;
    }
    const carrier = ppe.carrier;
    const startMs = reading.intervalStart.getTime();
    const allowed: readonly number[] = ALLOWED_MINUTES[carrier];
    if (carrier === 'heat' && reading.intervalMinutes > 1440) {
      // a heat meter read once a month: the interval is the whole Warsaw month
      const monthMinutes = minutesOfMonthStartingAt(startMs);
      if (monthMinutes === undefined) {
        errors.push(describe(reading, 'intervalStart', `a month-long reading must start at the beginning of a month in Warsaw, not at ${reading.intervalStart.toISOString()}`, lineBased));
        continue;
      }
      if (monthMinutes !== reading.intervalMinutes) {
        errors.push(describe(reading, 'intervalMinutes', `the month starting ${reading.intervalStart.toISOString()} is ${monthMinutes} minutes long, not ${reading.intervalMinutes}`, lineBased));
        continue;
      }
    } else if (!allowed.includes(reading.intervalMinutes)) {
      const heatMonth = carrier === 'heat' ? ', or the whole month in minutes' : '';
      errors.push(describe(reading, 'intervalMinutes', `${reading.intervalMinutes} minutes is not an interval for ${carrier} (allowed: ${allowed.join(', ')}${heatMonth})`, lineBased));
      continue;
    }
    const { dayStartMs, month } = warsawDayOfMs(startMs);
    const intervalMs = reading.intervalMinutes * 60_000;
    if ((startMs - dayStartMs) % Math.min(intervalMs, 86_400_000) !== 0) {
      errors.push(describe(reading, 'intervalStart', `${reading.intervalStart.toISOString()} is not on the ${reading.intervalMinutes}-minute grid`, lineBased));
      continue;
    }
    if (startMs + intervalMs > nowMs) {
      errors.push(describe(reading, 'intervalStart', `the interval starting ${reading.intervalStart.toISOString()} has not ended yet`, lineBased));
      continue;
    }
    if (!settlementMinutes.has(month)) settlementMinutes.set(month, registry.intervalMinutesFor(month));
    const settlement = settlementMinutes.get(month);
    if (carrier === 'electricity' && settlement !== undefined && settlement % reading.intervalMinutes !== 0) {
      errors.push(describe(reading, 'intervalMinutes', `${reading.intervalMinutes}-minute readings cannot be settled in the agreement's ${settlement}-minute intervals of ${month}`, lineBased));
      continue;
    }
    if (!ppe.held.some((p) => p.fromMs <= startMs && (p.toMs === null || startMs < p.toMs))) {
      errors.push(describe(reading, 'ppeCode', `${reading.ppeCode} is not assigned to any member at ${reading.intervalStart.toISOString()}`, lineBased));
      continue;
    }
    const twin = ppe.seen.get(startMs);
    if (twin) {
      if (twin.importWh !== reading.importWh || twin.exportWh !== reading.exportWh || twin.quality !== reading.quality || twin.intervalMinutes !== reading.intervalMinutes) {
        errors.push(describe(reading, 'intervalStart', `the interval ${reading.intervalStart.toISOString()} of ${reading.ppeCode} appears twice with different values (first at ${lineBased ? 'line' : 'entry'} ${twin.line})`, lineBased));
      }
      continue;
    }
    ppe.seen.set(startMs, reading);
    ppe.readings.push(reading);
  }
  const grouped = new Map<string, ReadingRecord[]>();
  for (const [ppeCode, ppe] of byPpe) if (ppe && ppe.readings.length > 0) grouped.set(ppeCode, ppe.readings);
  return { errors, byPpe: grouped };
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
    const { errors, byPpe } = checkReadings(readings, registry, options.now, options.lineBased);
    if (errors.length > 0) throw new ReadingsRejected(errors.slice(0, MAX_REPORTED_ERRORS), errors.length, options.what);

    // Plan every PPE before appending any, so a plan error still rejects the whole batch.
    // Each PPE's days are read together (one stream per day) and planned as one state.
    const context = (ppeCode: string) => ({ clusterId, ppeCode, source: options.source, fileSha256: options.fileSha256 });
    const plan = async () => {
      const daysOf = new Map<string, string[]>();
      for (const [ppeCode, list] of byPpe) {
        const days = new Set<string>();
        for (const reading of list) days.add(warsawDayOfMs(reading.intervalStart.getTime()).day);
        daysOf.set(ppeCode, [...days]);
      }
      const loaded = await this.loadMany([...daysOf].flatMap(([ppeCode, days]) => days.map((day) => meterStreamId(clusterId, ppeCode, day))));
      const plans: StreamPlan[] = [];
      const errors: FieldError[] = [];
      for (const [ppeCode, list] of byPpe) {
        const state: MeterStreamState = new Map();
        const versions = new Map<string, number | 'no_stream'>();
        for (const day of daysOf.get(ppeCode)!) {
          const streamId = meterStreamId(clusterId, ppeCode, day);
          const { state: dayState, version } = loaded.get(streamId)!;
          for (const [d, values] of dayState) state.set(d, values);
          versions.set(streamId, version);
        }
        const result = planMeterEvents(state, list, context(ppeCode));
        errors.push(...result.errors.map((e) => (options.lineBased ? { line: e.line, field: 'intervalMinutes', reason: e.reason } : { field: `readings[${e.line - 1}].intervalMinutes`, reason: e.reason })));
        const byStream = new Map<string, MeterEvent[]>();
        for (const event of result.events) {
          const streamId = meterStreamId(clusterId, ppeCode, event.data.day);
          byStream.set(streamId, [...(byStream.get(streamId) ?? []), event]);
        }
        for (const [streamId, events] of byStream) plans.push({ streamId, version: versions.get(streamId)!, events });
      }
      return { plans, errors };
    };
    let { plans, errors: planErrors } = await plan();
    if (planErrors.length > 0) {
      planErrors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      throw new ReadingsRejected(planErrors.slice(0, MAX_REPORTED_ERRORS), planErrors.length, options.what);
    }

    // Counted from what is appended, so a plan made again after a conflict counts right.
    const counts: PlanCounts = { new: 0, unchanged: 0, corrected: 0 };
    let eventsAppended = 0;
    let lastPosition: string | null = null;
    const noteAppended = (plan: StreamPlan, result: AppendResult) => {
      if (!result.appended) return;
      eventsAppended += plan.events.length;
      for (const event of plan.events) counts[event.type === 'MeterReadingsCorrected' ? 'corrected' : 'new'] += event.data.importWh.length;
      if (lastPosition === null || this.store.isAtOrAfter(result.lastGlobalPosition, lastPosition)) lastPosition = result.lastGlobalPosition;
    };
    for (let attempt = 1; ; attempt++) {
      const toAppend = plans.filter((p) => p.events.length > 0);
      if (toAppend.length === 0) break;
      try {
        await this.append(toAppend, noteAppended);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
        // another import wrote to one of these PPE-days meanwhile: plan again on fresh streams
        ({ plans } = await plan());
      }
    }
    let unique = 0;
    for (const list of byPpe.values()) unique += list.length;
    counts.unchanged = unique - counts.new - counts.corrected;
    if (lastPosition !== null) await this.runner.waitFor(lastPosition, 60_000);
    return {
      linesRead: options.linesRead, readings: readings.length, ...counts, eventsAppended,
      status: eventsAppended > 0 ? 'recorded' : 'nothing new',
    };
  }

  /**
   * Every PPE-day of the batch in one transaction when the store can (recorded whole or
   * not at all); otherwise stream by stream, a few in parallel, all settled before a
   * conflict is reported so that a new plan sees every append made.
   */
  private async append(plans: StreamPlan[], noteAppended: (plan: StreamPlan, result: AppendResult) => void): Promise<void> {
    const newEvents = (plan: StreamPlan) => plan.events.map((e) => ({ type: e.type, data: e.data, schemaVersion: METER_EVENT_SCHEMA_VERSION }));
    if (this.store.appendMany) {
      const results = await this.store.appendMany(plans.map((p) => ({ streamId: p.streamId, events: newEvents(p), expectedVersion: p.version })));
      results.forEach((result, i) => noteAppended(plans[i], result));
      return;
    }
    const failures: unknown[] = [];
    await inParallel(plans, APPEND_CONCURRENCY, async (p) => {
      try {
        noteAppended(p, await this.store.append(p.streamId, newEvents(p), p.version));
      } catch (error) {
        failures.push(error);
      }
    });
    if (failures.length > 0) throw failures.find((e) => !(e instanceof WrongExpectedVersionError)) ?? failures[0];
  }

  private async loadMany(streamIds: string[]): Promise<Map<string, { state: MeterStreamState; version: number | 'no_stream' }>> {
    const result = new Map<string, { state: MeterStreamState; version: number | 'no_stream' }>();
    for (const [streamId, recorded] of await readManyStreams(this.store, streamIds)) result.set(streamId, fold(recorded));
    return result;
  }
}
