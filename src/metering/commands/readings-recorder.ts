// Recording a checked batch: read the streams of its PPE-days, plan each day (new values,
// unchanged, corrections) and append what is new or corrected. All or nothing: one bad
// reading rejects the whole batch and nothing is recorded. Used by the two recording
// commands (a JSON batch, a file).
import { Inject, Injectable } from '@nestjs/common';
import { type AppendResult, EVENT_STORE, type EventStore, readManyStreams, type RecordedEvent, WrongExpectedVersionError } from '../../event-store/event-store.port.js';
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { inParallel } from '../../shared/in-parallel.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { evolveMeterStream, legacyMeterStreamId, METER_EVENT_SCHEMA_VERSION, type MeterDay, type MeterEvent, type MeterStreamState, meterStreamId } from '../domain/meter-stream.js';
import { type DayValues, planDay, type ReadingError, type ReadingsBatch } from '../domain/readings-batch.js';
import { FaultTally } from '../domain/error-summary.js';
import { withConflictRetry } from '../../event-store/retry-policy.js';
import type { HourlySplitRule } from '../domain/hourly-split.js';
import { QuarterHourProfile } from '../queries/quarter-hour-profile.js';

export interface ImportReport {
  linesRead: number;
  readings: number;
  new: number;
  unchanged: number;
  corrected: number;
  eventsAppended: number;
  status: 'recorded' | 'nothing new';
  /** Hours given where the agreement settles quarter-hours, each split into four by the rule. */
  hourlySplit?: { hours: number; quarterHours: number; rule: string };
}

export const MAX_REPORTED_ERRORS = 100;
const APPEND_CONCURRENCY = 8;

interface StreamPlan {
  streamId: string;
  version: number | 'no_stream';
  events: MeterEvent[];
}

export class ReadingsRejected extends DomainError {
  constructor(
    readonly lineErrors: FieldError[],
    readonly totalErrors: number,
    what: string,
    message?: string,
  ) {
    super(
      'validation',
      message ??
        `${what} was rejected: ${String(totalErrors)} bad ${totalErrors === 1 ? 'entry' : 'entries'}${totalErrors > lineErrors.length ? ` (first ${String(lineErrors.length)} listed)` : ''}; nothing was recorded`,
      lineErrors,
    );
  }

  /**
   * A file's errors: a reason many lines share is said once with their count and range
   * (`count`, `line` to `lastLine`), then the first lines that fail in another way.
   */
  static ofFile(tally: FaultTally, totalErrors: number, what = 'The file'): ReadingsRejected {
    const summary = tally.summary(MAX_REPORTED_ERRORS).map((e) => ({ ...e, field: e.field ?? 'line' }));
    const only = tally.only();
    const described = summary.reduce((n, e) => n + (e.count ?? 1), 0);
    const message =
      only && only.count === totalErrors
        ? `${what} was rejected: all ${String(only.count)} bad lines (${String(only.line)} to ${String(only.lastLine)}) fail for one reason: ${only.reason}; nothing was recorded`
        : `${what} was rejected: ${String(totalErrors)} bad ${totalErrors === 1 ? 'line' : 'lines'}${described < totalErrors ? ` (${String(described)} described)` : ''}; nothing was recorded`;
    return new ReadingsRejected(summary, totalErrors, what, message);
  }
}

/** A file's errors name the line. */
export function describeLine(error: ReadingError): FieldError {
  return { line: error.line, field: error.field, reason: error.reason };
}

/** Errors as the caller names them; the same field and reason twice in a row once. */
function describeAll(errors: ReadingError[], describe: (error: ReadingError) => FieldError): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const described = describe(error);
    const last = result[result.length - 1];
    if (last && last.field === described.field && last.reason === described.reason && last.line === described.line) continue;
    result.push(described);
  }
  return result;
}

/** A day from its month stream of the first version (its events of that day) and its own stream; the version is its own. */
function fold(day: string, legacy: RecordedEvent[], recorded: RecordedEvent[]): { day: MeterDay | undefined; version: number | 'no_stream' } {
  const state: MeterStreamState = new Map();
  for (const e of legacy) if ((e.data as { day?: string }).day === day) evolveMeterStream(state, { type: e.type, data: e.data } as MeterEvent);
  for (const e of recorded) evolveMeterStream(state, { type: e.type, data: e.data } as MeterEvent);
  return { day: state.get(day), version: recorded.at(-1)?.streamPosition ?? 'no_stream' };
}

@Injectable()
export class MeteringRecorder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(QuarterHourProfile) private readonly profile: QuarterHourProfile,
  ) {}

  /**
   * Hours given where the agreement settles quarter-hours, divided into them: evenly, or by
   * the cluster profile (the quarter-hours the cluster's other PPE measured that day).
   */
  async splitHours(clusterId: string, batch: ReadingsBatch, rule: HourlySplitRule): Promise<void> {
    if (batch.hourCount === 0 || batch.errorCount > 0) return;
    if (rule === 'even') {
      batch.splitHours();
      return;
    }
    const days = batch.days().filter((d) => d.hours);
    batch.splitHours(
      await this.profile.shapeOf(
        clusterId,
        days.map((d) => d.day),
      ),
    );
  }

  async record(
    clusterId: string,
    batch: ReadingsBatch,
    options: { source: string; fileSha256: string | null; describe: (error: ReadingError) => FieldError; linesRead: number; what: string; hourlySplit?: string },
  ): Promise<ImportReport> {
    const isFile = options.describe === describeLine;
    if (batch.errorCount > 0 && isFile) throw ReadingsRejected.ofFile(batch.tally, batch.errorCount, options.what);
    if (batch.errorCount > 0) throw new ReadingsRejected(describeAll(batch.errors, options.describe), batch.errorCount, options.what);
    const days = batch.days();
    const context = { clusterId, source: options.source, fileSha256: options.fileSha256 };
    // Plan every day before appending any, so a plan error still rejects the whole batch.
    const plan = async () => {
      const ids = days.map((d: DayValues) => ({ values: d, streamId: meterStreamId(clusterId, d.ppeCode, d.day), legacyId: legacyMeterStreamId(clusterId, d.ppeCode, d.day.slice(0, 7)) }));
      const streams = await readManyStreams(this.store, [...ids.map((d) => d.streamId), ...new Set(ids.map((d) => d.legacyId))]);
      const read = (streamId: string) => {
        const events = streams.get(streamId);
        if (!events) throw new Error(`readManyStreams did not answer for ${streamId}`);
        return events;
      };
      const plans: StreamPlan[] = [];
      const errors: { line: number; reason: string }[] = [];
      ids.forEach(({ values, streamId, legacyId }) => {
        const { day, version } = fold(values.day, read(legacyId), read(streamId));
        const planned = planDay(day, values, context);
        errors.push(...planned.errors);
        if (planned.events.length > 0) plans.push({ streamId, version, events: planned.events });
      });
      return { plans, errors };
    };
    const planned = await plan();
    let plans = planned.plans;
    const errors = planned.errors;
    if (errors.length > 0) {
      errors.sort((a, b) => a.line - b.line);
      if (isFile) {
        const tally = new FaultTally();
        for (const e of errors) tally.add({ line: e.line, field: 'intervalMinutes', reason: e.reason });
        throw ReadingsRejected.ofFile(tally, errors.length, options.what);
      }
      throw new ReadingsRejected(
        describeAll(
          errors.slice(0, MAX_REPORTED_ERRORS).map((e) => ({ ...e, field: 'intervalMinutes' })),
          options.describe,
        ),
        errors.length,
        options.what,
      );
    }

    // Counted from what is appended, so a plan made again after a conflict counts right.
    const counts = { new: 0, unchanged: 0, corrected: 0 };
    let eventsAppended = 0;
    // set by noteAppended, a closure: declared wide so that the check after the appends stands
    let lastPosition = null as string | null;
    const noteAppended = (plan: StreamPlan, result: AppendResult) => {
      if (!result.appended) return;
      eventsAppended += plan.events.length;
      for (const event of plan.events) counts[event.type === 'MeterReadingsCorrected' ? 'corrected' : 'new'] += event.data.importWh.length;
      if (lastPosition === null || this.store.isAtOrAfter(result.lastGlobalPosition, lastPosition)) lastPosition = result.lastGlobalPosition;
    };
    await withConflictRetry(async (attempt) => {
      // another import wrote to one of these PPE-days meanwhile: plan again on fresh streams
      if (attempt > 1) ({ plans } = await plan());
      if (plans.length > 0) await this.append(plans, noteAppended);
    });
    counts.unchanged = batch.uniqueCount - counts.new - counts.corrected;
    if (lastPosition !== null) await this.runner.waitFor(lastPosition, 60_000);
    return {
      linesRead: options.linesRead,
      readings: batch.readingCount,
      ...counts,
      eventsAppended,
      status: eventsAppended > 0 ? 'recorded' : 'nothing new',
      ...(batch.hourCount > 0 ? { hourlySplit: { hours: batch.hourCount, quarterHours: batch.hourCount * 4, rule: options.hourlySplit ?? 'even' } } : {}),
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
      plans.forEach((plan, i) => {
        const result = results[i];
        if (!result) throw new Error(`appendMany answered ${String(results.length)} results for ${String(plans.length)} streams`);
        noteAppended(plan, result);
      });
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
}
