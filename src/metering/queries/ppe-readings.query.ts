// A PPE's values over a range with each corrected interval's earlier values: the values
// from the read model (meter_days), the history from the metering streams themselves.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import type { Principal } from '../../auth/roles.decorator.js';
import { notFound } from '../../common/problem.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { ownershipPeriods } from '../../clusters/domain/registry.js';
import { EVENT_STORE, type EventStore, readManyStreams } from '../../event-store/event-store.port.js';
import { DomainError } from '../../shared/domain-error.js';
import { INSTANT_ACCEPTED, parseInstant } from '../../shared/instant.js';
import { normalisePpeCode } from '../../shared/ppe-code.js';
import { unpackWh } from '../domain/packed-wh.js';
import { legacyMeterStreamId, type MeterDayRow, type MeterEvent, meterStreamId, positionsOf, QUALITY_NAMES, warsawDayOf, warsawDayOfMs } from '../domain/meter-stream.js';

type DayRow = Pick<MeterDayRow, 'ppe_code' | 'day' | 'day_start' | 'interval_minutes' | 'import_wh' | 'export_wh' | 'quality'>;

export interface ReadingHistoryEntry {
  importWh: number;
  exportWh: number;
  quality: string;
  replacedAt: string;
  source: string;
}

export interface PpeReadingsResult {
  ppeCode: string;
  from: string;
  to: string;
  items: { intervalStart: string; intervalMinutes: number; importWh: number | null | undefined; exportWh: number | null | undefined; quality: string | undefined; history: ReadingHistoryEntry[] }[];
}

/** A PPE's values in [from, to) (at most 32 days); a member sees its own PPE, over the time it held it. */
export class PpeReadings extends Query<PpeReadingsResult> {
  constructor(
    readonly clusterId: string,
    readonly ppeCode: string,
    readonly from: string | undefined,
    readonly to: string | undefined,
    readonly principal?: Pick<Principal, 'role' | 'memberId'>,
  ) {
    super();
  }
}

@QueryHandler(PpeReadings)
export class PpeReadingsHandler implements IQueryHandler<PpeReadings> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId, ppeCode: ppeCodeRaw, from, to, principal }: PpeReadings): Promise<PpeReadingsResult> {
    const state = await this.clusters.state(clusterId);
    const ppeCode = normalisePpeCode(ppeCodeRaw);
    const point = state.points[ppeCode];
    const errors = [];
    const fromMs = parseInstant(from ?? '');
    const toMs = parseInstant(to ?? '');
    if (typeof fromMs === 'string') errors.push({ field: 'from', reason: from ? fromMs : `is required: ${INSTANT_ACCEPTED}` });
    if (typeof toMs === 'string') errors.push({ field: 'to', reason: to ? toMs : `is required: ${INSTANT_ACCEPTED}` });
    if (typeof fromMs === 'string' || typeof toMs === 'string') throw DomainError.validation(errors);
    const fromUtc = new Date(fromMs);
    const toUtc = new Date(toMs);
    if (toUtc <= fromUtc) throw DomainError.validation([{ field: 'to', reason: 'must be after from' }]);
    if (toUtc.getTime() - fromUtc.getTime() > 32 * 86_400_000) throw DomainError.validation([{ field: 'to', reason: 'a request covers at most 32 days' }]);
    // A member sees its own PPE, and only the time it owned it.
    let periods = point ? ownershipPeriods(state, ppeCode) : [];
    if (principal?.role === 'member') periods = periods.filter((p) => p.memberId === principal.memberId);
    if (!point || (principal?.role === 'member' && periods.length === 0)) throw notFound('The metering point was not found');
    const visible = (t: Date) => principal?.role !== 'member' || periods.some((p) => p.fromUtc <= t && (p.toUtc === null || t < p.toUtc));

    const { rows } = await this.pool.query<DayRow>(
      `SELECT ppe_code, to_char(day, 'YYYY-MM-DD') AS day, day_start, interval_minutes, import_wh, export_wh, quality
         FROM meter_days WHERE cluster_id = $1 AND ppe_code = $2 AND day >= $3::date - 1 AND day <= $4::date + 1 ORDER BY day`,
      [clusterId, ppeCode, warsawDayOf(fromUtc).day, warsawDayOf(toUtc).day],
    );
    const history = await this.correctionHistory(clusterId, ppeCode, fromUtc, toUtc);
    const items: PpeReadingsResult['items'] = [];
    for (const row of rows) {
      const importWh = unpackWh(row.import_wh);
      const exportWh = unpackWh(row.export_wh);
      for (let j = 0; j < row.quality.length; j++) {
        if (row.quality[j] === '-') continue;
        const start = new Date(row.day_start.getTime() + j * row.interval_minutes * 60_000);
        if (start < fromUtc || start >= toUtc || !visible(start)) continue;
        const key = start.toISOString();
        items.push({
          intervalStart: key,
          intervalMinutes: row.interval_minutes,
          importWh: importWh[j],
          exportWh: exportWh[j],
          quality: QUALITY_NAMES[row.quality.charAt(j)],
          history: history.get(key) ?? [],
        });
      }
    }
    return { ppeCode, from: fromUtc.toISOString(), to: toUtc.toISOString(), items };
  }

  /** Every earlier value of each corrected interval, from the metering streams themselves. */
  private async correctionHistory(clusterId: string, ppeCode: string, fromUtc: Date, toUtc: Date) {
    const days: string[] = [];
    // from day start to day start: 25 hours on is always within the next day
    for (let t = warsawDayOfMs(fromUtc.getTime()).dayStartMs; t < toUtc.getTime(); t = warsawDayOfMs(t + 25 * 3_600_000).dayStartMs) {
      days.push(warsawDayOfMs(t).day);
    }
    const history = new Map<string, ReadingHistoryEntry[]>();
    const legacy = [...new Set(days.map((day) => legacyMeterStreamId(clusterId, ppeCode, day.slice(0, 7))))];
    const streams = await readManyStreams(this.store, [...legacy, ...days.map((day) => meterStreamId(clusterId, ppeCode, day))]);
    for (const events of streams.values()) {
      for (const event of events) {
        if (event.type !== 'MeterReadingsCorrected') continue;
        const data = (event as unknown as MeterEvent & { data: { previousImportWh: number[]; previousExportWh: number[]; previousQuality: string } }).data;
        positionsOf(data).forEach((index, i) => {
          const key = new Date(new Date(data.dayStart).getTime() + index * data.intervalMinutes * 60_000).toISOString();
          const list = history.get(key) ?? [];
          const importWh = data.previousImportWh[i];
          const exportWh = data.previousExportWh[i];
          if (importWh === undefined || exportWh === undefined) throw new Error(`correction of ${key} without its previous value (${event.streamId})`);
          list.push({ importWh, exportWh, quality: QUALITY_NAMES[data.previousQuality.charAt(i)] ?? data.previousQuality.charAt(i), replacedAt: event.recordedAt, source: data.source });
          history.set(key, list);
        });
      }
    }
    return history;
  }
}
