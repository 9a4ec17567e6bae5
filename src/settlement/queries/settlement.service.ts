// The settlement's reader, which other modules inject (audit, invoicing, support, portal)
// and the query handlers use: closed months from their close, provisional months from the
// stored settlement (computed again first when its inputs changed), and months computed
// when asked, from the read models or from the event log alone (as of an instant, or as a
// close read them). The SQL is in the files beside it, one per table; meter days come
// through metering's reader, the registry through clusters' reader. A close goes through
// the CommandBus (commands/close-month.ts); close() here sends it, for the portal.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import { EVENT_STORE, type EventStore, readManyStreams, type RecordedEvent } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { DomainError } from '../../shared/domain-error.js';
import { isoDateOf, isValidDate, startOfWarsawDay, ZONE } from '../../shared/calendar.js';
import { agreementForMonth } from '../../clusters/domain/registry.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { monthsWithReadings, readMeterDays } from '../../metering/queries/meter-days.js';
import { type ClusterMonth, type ContractTerms, kpis, type MemberStatement } from '../domain/engine/statement.js';
import { fromTuples, type Transfer } from '../domain/engine/transfers.js';
import type { ClosedMonthData, ClosedSupportData } from '../domain/closing.js';
import { calculateMonth, type ContractsAt, type MemberDayDetail } from '../domain/month-calculation.js';
import { checkMonth, monthDays, trailingYearStart } from '../domain/months.js';
import type { MonthExtension } from '../month-extension.js';
import { CloseMonth, closedMonthOf, type CloseOptions } from '../commands/close-month.command.js';
import { Closes } from './closes.js';
import { readStoredExtension, readStoredMonths, type StoredMonth } from './cluster-months.js';
import { readMemberStatements } from './member-months.js';
import { calculateFromEvents, contractsFromLog, type EventFilter, type MonthFromEvents } from './month-from-events.js';
import { ProvisionalMonths } from './provisional-months.js';
import { StoredStatements } from './stored-statements.js';

export { checkMonth } from '../domain/months.js';
export type { EventFilter } from './month-from-events.js';

@Injectable()
export class SettlementService {
  private extension: MonthExtension | null = null;
  private readonly closes: Closes;
  private readonly provisional: ProvisionalMonths;
  private readonly statements: StoredStatements;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ProjectionRunner) runner?: ProjectionRunner,
    @Inject(CommandBus) private readonly commandBus?: CommandBus,
  ) {
    this.closes = new Closes(store);
    this.statements = new StoredStatements(pool);
    this.provisional = new ProvisionalMonths(
      pool,
      clusters,
      () => this.extension,
      (clusterId) => this.contracts(clusterId),
      runner,
    );
  }

  /** The close of a month, when it is closed. */
  closedMonth(clusterId: string, month: string): Promise<ClosedMonthData | undefined> {
    return this.closes.closedMonth(clusterId, month);
  }

  /**
   * The month as its readers see it now: its close, or its provisional month (computed again
   * first if its inputs changed). The close and the plugged-in pass's version come from one
   * read of the log: hundreds of statement GETs ask both at once.
   */
  async current(clusterId: string, month: string): Promise<{ closed: ClosedMonthData; stored?: undefined } | { closed?: undefined; stored: StoredMonth }> {
    checkMonth(month);
    const extension = this.extension;
    const read = await this.closes.closedMonthWith(clusterId, month, extension?.versionStreams ?? []);
    if (read.closed) return { closed: read.closed };
    return { stored: await this.provisional.ensureFresh(clusterId, month, extension ? extension.versionFrom(read.others) : null) };
  }

  /** Every member's statement of a stored month (frozen, shared by every reader). */
  statementsOf(clusterId: string, month: string, stored: StoredMonth): Promise<readonly MemberStatement[]> {
    return this.statements.all(clusterId, month, stored);
  }

  /** One member's statement of a stored month; 404 when the member has none. */
  async statementOf(clusterId: string, month: string, stored: StoredMonth, memberId: string): Promise<MemberStatement> {
    const statement = await this.statements.one(clusterId, month, stored, memberId);
    if (!statement) throw DomainError.notFound('The member has no statement for this month');
    return statement;
  }

  /** The support ledger frozen in a close (absent for months closed before it existed). */
  closedSupport(clusterId: string, month: string): Promise<ClosedSupportData | undefined> {
    return this.closes.closedSupport(clusterId, month);
  }

  /** Plugs in a computation beside the settlement (the support module's ledger), as projections register with the runner. */
  registerExtension(extension: MonthExtension): void {
    this.extension = extension;
  }

  /** What the plugged-in pass stored with the provisional month, computed again first if its inputs changed. */
  async extensionMonth(clusterId: string, month: string): Promise<{ result: Record<string, unknown> | null; computedThrough: string | null; computedAt: string }> {
    checkMonth(month);
    await this.clusters.state(clusterId);
    await this.ensureFresh(clusterId, month);
    const stored = await readStoredExtension(this.pool, clusterId, month);
    if (!stored) throw new Error(`settlement_cluster_months has no row for ${clusterId} ${month} after ensureFresh`);
    return stored;
  }

  /**
   * The month from the read models with what a plain settlement does not compute: the
   * transfer matrix, the per-PPE hours; of one day when a range is given.
   */
  async calculateWith(clusterId: string, month: string, extras: { transfers?: boolean; detail?: boolean }, range?: { start: Date; end: Date }) {
    checkMonth(month);
    const state = await this.clusters.state(clusterId);
    // the days of the range (or the month) through the metering reader
    const [first, last] = monthDays(month);
    const day = range ? isoDateOf(DateTime.fromJSDate(range.start, { zone: ZONE })) : null;
    const prepared = extras.detail ? await this.extension?.prepare({ detail: true }) : undefined;
    return calculateMonth(state, month, readMeterDays(this.pool, clusterId, day ?? first, day ?? last), await this.contracts(clusterId), undefined, range, {
      transfers: extras.transfers,
      pass: prepared?.pass,
    });
  }

  /** Closes a month through the CommandBus (commands/close-month.ts): what the close recorded, with the stream version. */
  async close(clusterId: string, month: string, options: CloseOptions, now = new Date()): Promise<ClosedMonthData & { streamVersion: number }> {
    if (!this.commandBus) throw new Error('SettlementService.close needs the CommandBus');
    return closedMonthOf(await this.commandBus.execute(new CloseMonth(clusterId, month, options, now)));
  }

  /**
   * The transfer matrix of a month, or of one day of it. Closed: the matrix frozen in the
   * close; a day of a closed month, or a month closed before the matrix existed, from the
   * events the close read. Open: from the read models, computed when asked.
   */
  async transfers(clusterId: string, month: string, range?: { start: Date; end: Date }): Promise<{ status: 'closed' | 'provisional'; transfers: Transfer[] }> {
    checkMonth(month);
    await this.clusters.state(clusterId);
    const closed = await this.closedMonth(clusterId, month);
    if (closed) {
      if (!range && closed.transfers) return { status: 'closed', transfers: fromTuples(closed.transfers) };
      const upTo = (e: RecordedEvent) => closed.lastEventPosition !== '' && this.store.isAtOrAfter(closed.lastEventPosition, e.globalPosition);
      const replayed = await this.calculateFromEvents(clusterId, month, upTo, { transfers: true }, range);
      return { status: 'closed', transfers: replayed.transfers ?? [] };
    }
    const calculation = await this.calculateWith(clusterId, month, { transfers: true }, range);
    return { status: 'provisional', transfers: calculation.transfers ?? [] };
  }

  /** What the read models say now, closed month or not (a closed month's pending corrections). */
  async provisionalStatements(clusterId: string, month: string): Promise<MemberStatement[]> {
    const fresh = await this.provisional.ensureStatementsFresh(clusterId, month); // after a late file: its days alone
    return fresh.statements ?? readMemberStatements(this.pool, clusterId, month);
  }

  /** The cluster month with every member's statement, computed again first if its inputs changed. */
  async clusterMonth(clusterId: string, month: string): Promise<StoredMonth & { statements: readonly MemberStatement[] }> {
    checkMonth(month);
    const stored = await this.ensureFresh(clusterId, month); // an unknown cluster is 404 there
    return { ...stored, statements: await this.statementsOf(clusterId, month, stored) };
  }

  /** One member's provisional statement: its own row, not the month's (hundreds read it at once). */
  async memberStatement(clusterId: string, month: string, memberId: string): Promise<StoredMonth & { statement: MemberStatement }> {
    checkMonth(month);
    const stored = await this.ensureFresh(clusterId, month); // an unknown cluster is 404 there
    return { ...stored, statement: await this.statementOf(clusterId, month, stored, memberId) };
  }

  /**
   * Totals and KPIs over the 12 months up to this one. The same for every reader, live or
   * after a rebuild: each month with readings and an agreement in force counts, a closed
   * month with its closed totals, an open one computed from the read models first if its
   * inputs changed (never "whatever months happen to have been read before"). `current`:
   * the month's own totals when the caller has just read them (not read a second time).
   */
  async trailingYear(clusterId: string, month: string, current?: ClusterMonth) {
    const from = trailingYearStart(month);
    // three readers, asked at once
    const [state, withReadings, closedMonths] = await Promise.all([this.clusters.state(clusterId), monthsWithReadings(this.pool, clusterId, from, month), this.clusters.closedMonths(clusterId)]);
    const closed = new Set(closedMonths);
    const rows: { month: string; totals: ClusterMonth }[] = [];
    for (const each of withReadings) {
      if (!agreementForMonth(state, each)) continue;
      if (each === month && current) {
        rows.push({ month: each, totals: current });
        continue;
      }
      const close = closed.has(each) ? await this.closedMonth(clusterId, each) : undefined;
      if (close) {
        rows.push({ month: each, totals: close.totals });
        continue;
      }
      rows.push({ month: each, totals: (await this.ensureFresh(clusterId, each)).cluster });
    }
    const sum = (f: 'importWh' | 'exportWh' | 'selfConsumedWh' | 'receivedWh' | 'renewableExportWh') => rows.reduce((a, r) => a + r.totals[f], 0);
    const totals = { importWh: sum('importWh'), exportWh: sum('exportWh'), selfConsumedWh: sum('selfConsumedWh'), receivedWh: sum('receivedWh') };
    const latest = rows[rows.length - 1]?.totals;
    const thresholds = { selfSufficiencyBp: latest?.selfSufficiency.thresholdBp ?? undefined, renewableShareBp: latest?.renewableShare.thresholdBp ?? undefined };
    return { from, to: month, monthsIncluded: rows.map((r) => r.month), ...totals, renewableExportWh: sum('renewableExportWh'), ...kpis(totals, sum('renewableExportWh'), thresholds) };
  }

  /**
   * One member's allocation per interval for one day, computed on demand by the same
   * engine over every member's flows of that day (cheaper than storing every member's
   * every interval at each recompute).
   */
  async memberIntervals(clusterId: string, month: string, memberId: string, day: string | undefined) {
    if (day === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !day.startsWith(month) || !isValidDate(day)) {
      throw DomainError.validation([{ field: 'day', reason: `give one day YYYY-MM-DD of ${month} (the detail is paged by day)` }]);
    }
    await this.memberStatement(clusterId, month, memberId);
    const state = await this.clusters.state(clusterId);
    const range = { start: startOfWarsawDay(day), end: startOfWarsawDay(isoDateOf(DateTime.fromISO(day).plus({ days: 1 }))) };
    const details: MemberDayDetail[] = [];
    await calculateMonth(
      state,
      month,
      readMeterDays(this.pool, clusterId, day, day),
      await this.contracts(clusterId),
      (d) => {
        details.push(...d.filter((x) => x.memberId === memberId));
      },
      range,
    );
    const detail = details[0];
    // a Warsaw day is a whole number of intervals (23, 24 or 25 hours): integer milliseconds, exact division
    const stepMs = (detail?.intervalMinutes ?? 60) * 60_000;
    const spanMs = range.end.getTime() - range.start.getTime();
    if (spanMs % stepMs !== 0) throw new Error(`the day ${String(spanMs)} ms is not a whole number of ${String(stepMs)} ms intervals`);
    const count = spanMs / stepMs;
    const items = detail
      ? detail.importWh.map((importWh, j) => ({
          intervalStart: new Date(detail.dayStart.getTime() + j * detail.intervalMinutes * 60_000).toISOString(),
          // the detail's series are one value per interval each, as long as importWh
          importWh,
          exportWh: detail.exportWh[j] ?? 0,
          selfConsumedWh: detail.selfConsumedWh[j] ?? 0,
          receivedWh: detail.receivedWh[j] ?? 0,
          suppliedWh: detail.suppliedWh[j] ?? 0,
          gridImportWh: detail.gridImportWh[j] ?? 0,
          gridExportWh: detail.gridExportWh[j] ?? 0,
        }))
      : [];
    return { memberId, month, day, intervals: count, items };
  }

  /** A member's month day by day (own netting, cluster, grid), for the portal's chart. */
  async memberDaily(clusterId: string, month: string, memberId: string) {
    checkMonth(month);
    const state = await this.clusters.state(clusterId);
    const days: { day: string; selfConsumedWh: number; receivedWh: number; gridImportWh: number; suppliedWh: number; gridExportWh: number }[] = [];
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    await calculateMonth(state, month, readMeterDays(this.pool, clusterId, ...monthDays(month)), await this.contracts(clusterId), (details) => {
      const d = details.find((x) => x.memberId === memberId);
      if (d)
        days.push({
          day: d.day,
          selfConsumedWh: sum(d.selfConsumedWh),
          receivedWh: sum(d.receivedWh),
          gridImportWh: sum(d.gridImportWh),
          suppliedWh: sum(d.suppliedWh),
          gridExportWh: sum(d.gridExportWh),
        });
    });
    return days;
  }

  /** The months of a cluster that have a stored settlement, with their totals. */
  months(clusterId: string): Promise<{ month: string; totals: ClusterMonth }[]> {
    return readStoredMonths(this.pool, clusterId);
  }

  /** A member's statement computed from the events recorded up to an instant. */
  async memberStatementAsOf(clusterId: string, month: string, memberId: string, asOf: Date) {
    checkMonth(month);
    const calculation = await this.calculateFromEvents(clusterId, month, (e) => new Date(e.recordedAt) <= asOf);
    const statement = calculation.statements.find((s) => s.memberId === memberId);
    if (!statement) throw DomainError.notFound('The member had no statement for this month at that instant');
    return { calculation, statement };
  }

  /** The cluster's contracts from its trading stream, ready for the engine. */
  contracts(clusterId: string, upTo: EventFilter = () => true, inputs?: RecordedEvent[]): Promise<{ terms: ContractTerms[]; at: ContractsAt }> {
    return contractsFromLog(this.store, clusterId, upTo, inputs);
  }

  /**
   * The month recomputed from the event log alone: every event, or those an auditor picks
   * (recorded up to an instant, or up to the position a close read). Returns the input
   * events too, for the close's digest.
   */
  calculateFromEvents(
    clusterId: string,
    month: string,
    upTo: EventFilter = () => true,
    extras: { transfers?: boolean; detail?: boolean } = {},
    range?: { start: Date; end: Date },
    onDay?: (details: MemberDayDetail[]) => void,
  ): Promise<MonthFromEvents> {
    return calculateFromEvents(this.store, this.extension, clusterId, month, upTo, extras, range, onDay);
  }

  /** The stored month, computed again first when its inputs changed since it was stored. */
  async ensureFresh(clusterId: string, month: string): Promise<StoredMonth> {
    const extension = this.extension;
    const version = extension ? extension.versionFrom(await readManyStreams(this.store, [...extension.versionStreams])) : null;
    return this.provisional.ensureFresh(clusterId, month, version);
  }

  /** Computes the month from the read models and replaces its stored settlement, in one transaction. */
  recompute(clusterId: string, month: string) {
    return this.provisional.recompute(clusterId, month);
  }
}
