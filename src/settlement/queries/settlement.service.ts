// Provisional settlement: computed from the read models when first asked after its
// inputs changed (new readings mark the month; a registry change moves the registry
// version), stored, and served. As of an instant: the same calculation fed from the
// events recorded up to that instant.
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DomainError } from '../../shared/domain-error.js';
import { PG_POOL } from '../../core.module.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { EVENT_STORE, type EventStore, readManyStreams, type RecordedEvent } from '../../event-store/event-store.port.js';

export type EventFilter = (event: RecordedEvent) => boolean;
import { DateTime } from 'luxon';
import { isValidDate, isValidMonth, monthBounds, startOfWarsawDay } from '../../shared/calendar.js';
import { agreementForMonth, type ClusterEvent, type ClusterState, clusterStreamId, evolve, initialClusterState } from '../../clusters/domain/registry.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { daysOfMonth, evolveMeterStream, intervalsInDay, legacyMeterStreamId, type MeterEvent, type MeterStreamState, meterStreamId } from '../../metering/domain/meter-stream.js';
import type { ClusterMonth, MemberStatement } from '../domain/engine/statement.js';
import { kpis } from '../domain/engine/statement.js';
import { activeMembers, calculateMonth, type MemberDayDetail, type MonthCalculation } from '../domain/month-calculation.js';
import type { MeterDayInput } from '../domain/month-flows.js';
import { closeDecider, closeRefusal, type ClosedMonthData, type ClosedSupportData, inputDigest, settlementStreamId } from '../domain/closing.js';
import { decideAndAppend } from '../../event-store/command-handling.js';
import { contractsActiveAt, contractsInOrder, type TradingEvent, type TradingState, initialTradingState, evolveTrading, tradingStreamId } from '../../trading/domain/contracts.js';
import type { ContractTerms } from '../domain/engine/statement.js';
import type { ContractsAt } from '../domain/month-calculation.js';
import { fromTuples, type Transfer, toTuples } from '../domain/engine/transfers.js';
import type { MonthExtension } from '../month-extension.js';
import { readMeterDays } from '../../metering/queries/meter-days.js';

/** How many closes a process keeps in memory (each holds every member's statement). */
const CLOSES_KEPT = 64;

/** The first and last Warsaw day of a month, YYYY-MM-DD. */
function monthDays(month: string): [string, string] {
  const first = DateTime.fromISO(`${month}-01`);
  return [first.toISODate()!, first.endOf('month').toISODate()!];
}

const LOCK_SPACE = 7_274_003;
/** Members up to which the close freezes the transfer matrix (about 10 s for 419 members on 2 cores). */
export const MATRIX_CLOSE_MEMBERS = 1000;

export function checkMonth(month: string): void {
  if (!isValidMonth(month)) throw DomainError.validation([{ field: 'month', reason: 'must be a month YYYY-MM' }]);
}

interface StoredMonth {
  agreementVersion: number;
  cluster: ClusterMonth;
  computedThrough: string | null;
  computedAt: string;
}

@Injectable()
export class SettlementService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ProjectionRunner) private readonly runner?: ProjectionRunner,
  ) {}

  private extension: MonthExtension | null = null;
  /** Closes already read: a close never changes, so it is read from the log once a process. */
  private readonly closes = new Map<string, ClosedMonthData>();

  /** The close of a month, when it is closed. */
  async closedMonth(clusterId: string, month: string): Promise<ClosedMonthData | undefined> {
    const key = `${clusterId}|${month}`;
    const known = this.closes.get(key);
    if (known) return known;
    const events = await this.store.readStream(settlementStreamId(clusterId, month));
    const closed = events.find((e) => e.type === 'SettlementPeriodClosed')?.data as ClosedMonthData | undefined;
    if (closed) {
      // bounded: the oldest read close leaves first
      if (this.closes.size >= CLOSES_KEPT) this.closes.delete(this.closes.keys().next().value!);
      this.closes.set(key, closed);
    }
    return closed;
  }

  /** The support ledger frozen in a close (absent for months closed before it existed). */
  async closedSupport(clusterId: string, month: string): Promise<ClosedSupportData | undefined> {
    const events = await this.store.readStream(settlementStreamId(clusterId, month));
    return events.find((e) => e.type === 'SupportLedgerClosed')?.data as ClosedSupportData | undefined;
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
    const { rows } = await this.pool.query<{ support: Record<string, unknown> | null; computed_through: string | null; computed_at: Date }>(
      'SELECT support, computed_through, computed_at FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
    const row = rows[0];
    if (!row) throw new Error(`settlement_cluster_months has no row for ${clusterId} ${month} after ensureFresh`);
    return { result: row.support, computedThrough: row.computed_through, computedAt: row.computed_at.toISOString() };
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
    const day = range ? DateTime.fromJSDate(range.start, { zone: 'Europe/Warsaw' }).toISODate()! : null;
    const prepared = extras.detail ? await this.extension?.prepare({ detail: true }) : undefined;
    return calculateMonth(state, month, readMeterDays(this.pool, clusterId, day ?? first, day ?? last), await this.contracts(clusterId), undefined, range, { transfers: extras.transfers, pass: prepared?.pass });
  }

  /**
   * Closes a month after it has ended: from the event log alone (as a replay would),
   * recording the statements, the agreement version, the last position read and the
   * digest of the input events. Gaps need allowGaps and a reason.
   */
  async close(clusterId: string, month: string, options: { allowGaps: boolean; reason: string | null; gaps: { ppeCode: string; missingIntervals: number }[] }, now = new Date()) {
    checkMonth(month);
    await this.clusters.state(clusterId);
    // the decider's rules, asked before the month is computed (the decider asks them again on the stream)
    const refusal = closeRefusal({ month, closedAt: now.toISOString(), gaps: options.gaps, allowGaps: options.allowGaps }, (await this.closedMonth(clusterId, month))?.closedAt ?? null);
    if (refusal) throw refusal;
    // the matrix is dense by nature (pro rata: every supplier in every receiver's column), its
    // cost suppliers × receivers per interval: frozen up to MATRIX_CLOSE_MEMBERS members;
    // above, it is computed from the events the close read when asked (the same numbers)
    const state = await this.clusters.state(clusterId);
    const withMatrix = activeMembers(state, month).length <= MATRIX_CLOSE_MEMBERS;
    const calculation = await this.calculateFromEvents(clusterId, month, () => true, { transfers: withMatrix });
    const last = calculation.inputs.reduce<string | null>((a, e) => (a === null || this.store.isAtOrAfter(e.globalPosition, a) ? e.globalPosition : a), null);
    const data: ClosedMonthData = {
      clusterId, month, agreementVersion: calculation.agreement.version, statements: calculation.statements, totals: calculation.cluster,
      lastEventPosition: last ?? '', inputEvents: calculation.inputs.length, inputDigest: inputDigest(calculation.inputs),
      allowGaps: options.allowGaps, reason: options.reason, gaps: options.gaps, closedAt: now.toISOString(),
      ...(calculation.transfers ? { transfers: toTuples(calculation.transfers) } : {}),
    };
    const support = calculation.extension ? { clusterId, month, ledger: calculation.extension.result, parametersVersion: calculation.extensionVersion, closedAt: now.toISOString() } : undefined;
    const result = await decideAndAppend(this.store, settlementStreamId(clusterId, month), closeDecider, { type: 'CloseMonth', data, support });
    if (result.lastGlobalPosition) await this.runner?.waitFor(result.lastGlobalPosition);
    return { ...data, streamVersion: result.streamVersion };
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
    await this.ensureFresh(clusterId, month);
    const { rows } = await this.pool.query<{ statement: MemberStatement }>(
      'SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 ORDER BY member_id', [clusterId, month]);
    return rows.map((r) => r.statement);
  }

  /** The cluster month with every member's statement, computed again first if its inputs changed. */
  async clusterMonth(clusterId: string, month: string): Promise<StoredMonth & { statements: MemberStatement[] }> {
    checkMonth(month);
    await this.clusters.state(clusterId);
    await this.ensureFresh(clusterId, month);
    const stored = await this.storedMonth(clusterId, month);
    const { rows } = await this.pool.query<{ statement: MemberStatement }>(
      'SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 ORDER BY member_id', [clusterId, month]);
    return { ...stored!, statements: rows.map((r) => r.statement) };
  }

  /** One member's provisional statement: its own row, not the month's (hundreds read it at once). */
  async memberStatement(clusterId: string, month: string, memberId: string) {
    checkMonth(month);
    await this.ensureFresh(clusterId, month); // an unknown cluster is 404 there
    const stored = await this.storedMonth(clusterId, month);
    const { rows } = await this.pool.query<{ statement: MemberStatement }>(
      'SELECT statement FROM settlement_member_months WHERE cluster_id = $1 AND month = $2 AND member_id = $3', [clusterId, month, memberId]);
    if (!stored || !rows[0]) throw DomainError.notFound('The member has no statement for this month');
    return { ...stored, statement: rows[0].statement };
  }

  /**
   * Totals and KPIs over the 12 months up to this one. The same for every reader, live or
   * after a rebuild: each month with readings and an agreement in force counts, a closed
   * month with its closed totals, an open one computed from the read models first if its
   * inputs changed (never "whatever months happen to have been read before").
   */
  async trailingYear(clusterId: string, month: string) {
    const [y, m] = month.split('-').map(Number);
    if (y === undefined || m === undefined) throw new Error(`not a month YYYY-MM: ${month}`);
    const from = `${String(m === 12 ? y : y - 1)}-${String((m % 12) + 1).padStart(2, '0')}`;
    const state = await this.clusters.state(clusterId);
    const withReadings = await this.pool.query<{ month: string }>(
      `SELECT DISTINCT to_char(day, 'YYYY-MM') AS month FROM meter_days WHERE cluster_id = $1 AND day >= $2::date AND day < ($3::date + interval '1 month') ORDER BY month`,
      [clusterId, `${from}-01`, `${month}-01`]);
    const closed = new Set(await this.clusters.closedMonths(clusterId));
    const rows: { month: string; totals: ClusterMonth }[] = [];
    for (const { month: each } of withReadings.rows) {
      if (!agreementForMonth(state, each)) continue;
      const close = closed.has(each) ? await this.closedMonth(clusterId, each) : undefined;
      if (close) {
        rows.push({ month: each, totals: close.totals });
        continue;
      }
      await this.ensureFresh(clusterId, each);
      const stored = await this.storedMonth(clusterId, each);
      if (stored) rows.push({ month: each, totals: stored.cluster });
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
    const range = { start: startOfWarsawDay(day), end: startOfWarsawDay(DateTime.fromISO(day).plus({ days: 1 }).toISODate()!) };
    const { rows } = await this.pool.query<{ ppe_code: string; day_start: Date; interval_minutes: number; import_wh: (number | null)[]; export_wh: (number | null)[] }>(
      'SELECT ppe_code, day_start, interval_minutes, import_wh, export_wh FROM meter_days WHERE cluster_id = $1 AND day = $2', [clusterId, day]);
    const details: MemberDayDetail[] = [];
    await calculateMonth(state, month, rows.map((r) => ({ ppeCode: r.ppe_code, dayStart: r.day_start, intervalMinutes: r.interval_minutes, importWh: r.import_wh, exportWh: r.export_wh })),
      await this.contracts(clusterId), (d) => { details.push(...d.filter((x) => x.memberId === memberId)); }, range);
    const detail = details[0];
    const count = Math.round((range.end.getTime() - range.start.getTime()) / 60_000 / (detail?.intervalMinutes ?? 60));
    const items = detail
      ? detail.importWh.map((importWh, j) => ({
        intervalStart: new Date(detail.dayStart.getTime() + j * detail.intervalMinutes * 60_000).toISOString(),
        // the detail's series are one value per interval each, as long as importWh
        importWh, exportWh: detail.exportWh[j] ?? 0, selfConsumedWh: detail.selfConsumedWh[j] ?? 0, receivedWh: detail.receivedWh[j] ?? 0,
        suppliedWh: detail.suppliedWh[j] ?? 0, gridImportWh: detail.gridImportWh[j] ?? 0, gridExportWh: detail.gridExportWh[j] ?? 0,
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
    await calculateMonth(state, month, readMeterDays(this.pool, clusterId, ...monthDays(month)),
      await this.contracts(clusterId), (details) => {
        const d = details.find((x) => x.memberId === memberId);
        if (d) days.push({ day: d.day, selfConsumedWh: sum(d.selfConsumedWh), receivedWh: sum(d.receivedWh), gridImportWh: sum(d.gridImportWh), suppliedWh: sum(d.suppliedWh), gridExportWh: sum(d.gridExportWh) });
      });
    return days;
  }

  /** The months of a cluster that have a stored settlement, with their totals. */
  async months(clusterId: string) {
    const { rows } = await this.pool.query<{ month: string; totals: ClusterMonth }>('SELECT month, totals FROM settlement_cluster_months WHERE cluster_id = $1 ORDER BY month', [clusterId]);
    return rows;
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
  async contracts(clusterId: string, upTo: EventFilter = () => true, inputs?: RecordedEvent[]): Promise<{ terms: ContractTerms[]; at: ContractsAt }> {
    const events = (await this.store.readStream(tradingStreamId(clusterId))).filter(upTo);
    inputs?.push(...events);
    const state = events.reduce<TradingState>((s, e) => evolveTrading(s, { type: e.type, data: e.data } as TradingEvent), initialTradingState());
    const ordered = contractsInOrder(state);
    return {
      terms: ordered.map((c) => ({ contractId: c.contractId, sellerMemberId: c.sellerMemberId, buyerMemberId: c.buyerMemberId, priceGroszePerMwh: c.priceGroszePerMwh })),
      at: ordered.length === 0 ? () => [] : (t) => contractsActiveAt(ordered, t),
    };
  }

  /**
   * The month recomputed from the event log alone: every event, or those an auditor picks
   * (recorded up to an instant, or up to the position a close read). Returns the input
   * events too, for the close's digest.
   */
  async calculateFromEvents(clusterId: string, month: string, upTo: EventFilter = () => true, extras: { transfers?: boolean; detail?: boolean } = {}, range?: { start: Date; end: Date }, onDay?: (details: MemberDayDetail[]) => void): Promise<MonthCalculation & { inputs: RecordedEvent[]; extensionVersion: number }> {
    const inputs: RecordedEvent[] = [];
    const clusterEvents = (await this.store.readStream(clusterStreamId(clusterId))).filter(upTo);
    if (clusterEvents.length === 0) throw DomainError.notFound('The cluster was not found (at that instant)');
    inputs.push(...clusterEvents);
    const state = clusterEvents.reduce<ClusterState>((s, e) => evolve(s, { type: e.type, data: e.data } as ClusterEvent), initialClusterState());
    const days: MeterDayInput[] = [];
    const monthDays = daysOfMonth(month);
    for (const ppeCode of Object.keys(state.points).sort()) {
      // the month stream of the first version first, then the day streams
      const streams = await readManyStreams(this.store, [legacyMeterStreamId(clusterId, ppeCode, month), ...monthDays.map((day) => meterStreamId(clusterId, ppeCode, day))]);
      const events = [...streams.values()].flat().filter(upTo);
      inputs.push(...events);
      const meter = events.reduce<MeterStreamState>((s, e) => evolveMeterStream(s, { type: e.type, data: e.data } as MeterEvent), new Map());
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
        days.push({ ppeCode, dayStart: new Date(values.dayStart), intervalMinutes: values.intervalMinutes, importWh, exportWh, quality: quality.join('') });
      }
    }
    const contracts = await this.contracts(clusterId, upTo, inputs);
    // what the plugged-in pass reads (the law in force), up to the same point: part of the inputs and of the digest
    const prepared = await this.extension?.prepare({ upTo, inputs, detail: extras.detail });
    const calculation = await calculateMonth(state, month, days, contracts, onDay, range, { transfers: extras.transfers, pass: prepared?.pass });
    return { ...calculation, inputs, extensionVersion: prepared?.version ?? -1 };
  }

  async ensureFresh(clusterId: string, month: string): Promise<void> {
    if (await this.isFresh(this.pool, clusterId, month)) return;
    await this.recompute(clusterId, month);
  }

  private async isFresh(db: Pool | PoolClient, clusterId: string, month: string): Promise<boolean> {
    // with a pass plugged in: stale when what it reads changed, or when it never ran on the month
    const extensionVersion = this.extension ? await this.extension.version() : null;
    const { rows } = await db.query<{ fresh: boolean }>(
      `SELECT (s.registry_version = r.stream_version AND s.dirty_seq >= coalesce(d.seq, 0)
               AND ($3::int IS NULL OR (s.parameters_version = $3 AND s.support IS NOT NULL))) AS fresh
         FROM registry_clusters r
         JOIN settlement_cluster_months s ON s.cluster_id = r.cluster_id AND s.month = $2
         LEFT JOIN settlement_dirty_months d ON d.cluster_id = r.cluster_id AND d.month = $2
        WHERE r.cluster_id = $1`, [clusterId, month, extensionVersion]);
    return rows[0]?.fresh === true;
  }

  /** Computes the month from the read models and replaces its stored settlement, in one transaction. */
  async recompute(clusterId: string, month: string): Promise<MonthCalculation> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, `${clusterId}|${month}`]);
      const registry = await client.query<{ state: ClusterState; stream_version: number }>('SELECT state, stream_version FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
      if (!registry.rows[0]) throw DomainError.notFound('The cluster was not found');
      const dirty = await client.query<{ seq: number }>('SELECT seq FROM settlement_dirty_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
      const checkpoint = await client.query<{ position: string | null }>("SELECT position FROM projection_checkpoints WHERE name = 'metering'");
      await client.query('DELETE FROM settlement_member_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
      await client.query('DELETE FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
      // meter days through the metering reader: one COPY, in pages (bounded memory)
      const prepared = await this.extension?.prepare({});
      const calculation = await calculateMonth(registry.rows[0].state, month, readMeterDays(client, clusterId, ...monthDays(month)), await this.contracts(clusterId), undefined, undefined, { pass: prepared?.pass });
      const now = new Date();
      const through = checkpoint.rows[0]?.position ?? null;
      await client.query(
        `INSERT INTO settlement_cluster_months (cluster_id, month, agreement_version, registry_version, dirty_seq, totals, computed_through, computed_at, parameters_version, support)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [clusterId, month, calculation.agreement.version, registry.rows[0].stream_version, dirty.rows[0]?.seq ?? 0, JSON.stringify(calculation.cluster), through, now, prepared?.version ?? -2, calculation.extension ? JSON.stringify(calculation.extension.result) : null],
      );
      const s = calculation.statements;
      await client.query(
        `INSERT INTO settlement_member_months (cluster_id, month, member_id, agreement_version, statement, computed_through, computed_at)
         SELECT $1, $2, m, $3, st, $4, $5 FROM unnest($6::text[], $7::jsonb[]) AS t(m, st)`,
        [clusterId, month, calculation.agreement.version, through, now, s.map((x) => x.memberId), s.map((x) => JSON.stringify(x))],
      );
      await client.query('COMMIT');
      return calculation;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async storedMonth(clusterId: string, month: string): Promise<StoredMonth | undefined> {
    const { rows } = await this.pool.query<{ agreement_version: number; totals: ClusterMonth; computed_through: string | null; computed_at: Date }>(
      'SELECT agreement_version, totals, computed_through, computed_at FROM settlement_cluster_months WHERE cluster_id = $1 AND month = $2', [clusterId, month]);
    const row = rows[0];
    if (!row) return undefined;
    return { agreementVersion: row.agreement_version, cluster: row.totals, computedThrough: row.computed_through, computedAt: row.computed_at.toISOString() };
  }
}
