// Metering use cases behind HTTP and the CLI: record JSON batches and files, read a
// PPE's values with their correction history, report completeness per month.
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Pool } from 'pg';
import type { Readable } from 'node:stream';
import { DomainError, type FieldError } from '../shared/domain-error.js';
import { problem, ProblemException } from '../common/problem.js';
import { PG_POOL } from '../core.module.js';
import { EVENT_STORE, type EventStore, readManyStreams } from '../event-store/event-store.port.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { isValidMonth, monthBounds } from '../shared/calendar.js';
import { agreementForMonth, type ClusterState, ownershipPeriods } from '../clusters/registry/registry.js';
import { normalisePpeCode } from '../shared/ppe-code.js';
import type { Principal } from '../auth/roles.decorator.js';
import { notFound } from '../common/problem.js';
import { monthCompleteness } from './domain/completeness.js';
import { legacyMeterStreamId, type MeterDayRow, type MeterEvent, meterStreamId, positionsOf, QUALITY_CODES, QUALITY_NAMES, warsawDayOf, warsawDayOfMs } from './domain/meter-stream.js';
import { type FileReading, parseMeteringFile } from './domain/files/parse.js';
import type { ImportProfile } from './domain/files/profile.js';
import type { ReadingsBatchDto } from './http/metering.dto.js';
import { INSTANT_ACCEPTED, parseInstant } from '../shared/instant.js';
import { describeLine, MAX_REPORTED_ERRORS, MeteringRecorder, ReadingsRejected } from './commands/readings-recorder.js';
import { type DayValues, type MeteringRegistryView, type ReadingError, ReadingsBatch } from './domain/readings-batch.js';
import { HOURLY_SPLIT_QUALITY, type HourlySplitRule } from './domain/hourly-split.js';

export function registryView(state: ClusterState): MeteringRegistryView {
  const points = new Map<string, ReturnType<MeteringRegistryView['point']>>();
  return {
    point: (ppeCode) => {
      if (!points.has(ppeCode)) {
        const point = state.points[ppeCode];
        points.set(ppeCode, point && { carrier: point.carrier, held: ownershipPeriods(state, ppeCode).map((p) => ({ fromMs: p.fromUtc.getTime(), toMs: p.toUtc?.getTime() ?? null })) });
      }
      return points.get(ppeCode);
    },
    intervalMinutesFor: (month) => agreementForMonth(state, month)?.intervalMinutes,
  };
}

type DayRow = Pick<MeterDayRow, 'ppe_code' | 'day' | 'day_start' | 'interval_minutes' | 'import_wh' | 'export_wh' | 'quality'>;

@Injectable()
export class MeteringService {
  private readonly recorder: MeteringRecorder;
  private readonly views = new Map<string, { version: number; view: MeteringRegistryView }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ProjectionRunner) runner: ProjectionRunner,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {
    this.recorder = new MeteringRecorder(store, runner);
  }

  /**
   * The registry as the checks need it, kept while the cluster's stream version stands:
   * a large import sends many batches, and the cluster's whole state is large to read.
   */
  private async registryOf(clusterId: string): Promise<MeteringRegistryView> {
    const { rows } = await this.pool.query<{ stream_version: number }>('SELECT stream_version FROM registry_clusters WHERE cluster_id = $1', [clusterId]);
    const [row] = rows;
    if (!row) throw DomainError.notFound('The cluster was not found');
    const cached = this.views.get(clusterId);
    if (cached?.version === row.stream_version) return cached.view;
    const view = registryView(await this.clusters.state(clusterId));
    if (this.views.size >= 100) this.views.clear();
    this.views.set(clusterId, { version: row.stream_version, view });
    return view;
  }

  async recordJson(clusterId: string, body: ReadingsBatchDto, now = new Date()) {
    const batch = new ReadingsBatch(await this.registryOf(clusterId), now.getTime(), 'entry');
    // A batch repeats a few PPE codes and instants many times: each is read once.
    const codes = new Map<string, string>();
    const code = (raw: string) => {
      let ppeCode = codes.get(raw);
      if (ppeCode === undefined) codes.set(raw, (ppeCode = normalisePpeCode(raw)));
      return ppeCode;
    };
    const instants = new Map<string, number>();
    const readings = body.readings ?? [];
    readings.forEach((r, i) => {
      let startMs = instants.get(r.intervalStart);
      if (startMs === undefined) instants.set(r.intervalStart, (startMs = Date.parse(r.intervalStart)));
      batch.add(i + 1, code(r.ppeCode), startMs, r.intervalMinutes, r.importWh, r.exportWh, QUALITY_CODES[r.quality ?? 'measured']);
    });
    // A series' values are numbered on after the readings: entry n is value n - first of its series.
    const series = body.series ?? [];
    const firsts: number[] = [];
    let entry = readings.length;
    for (const s of series) {
      firsts.push(entry + 1);
      const ppeCode = code(s.ppeCode);
      const startMs = Date.parse(s.intervalStart);
      const quality = QUALITY_CODES[s.quality ?? 'measured'];
      // quarter-hours and hours follow each other in absolute time (an autumn day has 100
      // quarter-hours); days follow the Warsaw calendar (a 23- or 25-hour day is one day)
      const startOf = s.intervalMinutes === 1440
        ? (j: number) => DateTime.fromMillis(startMs, { zone: 'Europe/Warsaw' }).plus({ days: j }).toMillis()
        : (j: number) => startMs + j * s.intervalMinutes * 60_000;
      // a series gives as many export values as import values (parseReadingsBatch checks it)
      s.importWh.forEach((importWh, j) => batch.add(++entry, ppeCode, startOf(j), s.intervalMinutes, importWh, s.exportWh[j] ?? Number.NaN, quality));
    }
    const describe = (error: ReadingError): FieldError => {
      if (error.line <= readings.length) return { field: `readings[${String(error.line - 1)}].${error.field}`, reason: error.reason };
      let i = firsts.length - 1;
      while ((firsts[i] ?? 0) > error.line) i--;
      // an interval's fault is its value's; the PPE's, the series'
      const values = error.field === 'exportWh' ? 'exportWh' : 'importWh';
      return { field: error.field === 'ppeCode' ? `series[${String(i)}].ppeCode` : `series[${String(i)}].${values}[${String(error.line - (firsts[i] ?? 0))}]`, reason: error.reason };
    };
    await this.splitHours(clusterId, batch, 'even');
    return this.recorder.record(clusterId, batch, { source: body.source, fileSha256: null, describe, linesRead: entry, what: 'The batch', hourlySplit: 'even' });
  }

  async recordFile(
    clusterId: string,
    input: Readable,
    options: { format: 'generic' | 'tauron' | 'enea' | 'profile'; profile?: ImportProfile; ppeCode?: string; balancing: 'before' | 'after'; digest: () => string; source?: string; hourlySplit?: HourlySplitRule },
    now = new Date(),
  ) {
    // Readings go into the batch as they are parsed: no list of a file's readings is kept.
    const batch = new ReadingsBatch(await this.registryOf(clusterId), now.getTime(), 'line');
    const onReading = (r: FileReading) => batch.add(r.line, normalisePpeCode(r.ppeCode), r.intervalStart.getTime(), r.intervalMinutes, r.importWh, r.exportWh, QUALITY_CODES[r.quality]);
    let parsed;
    try {
      parsed = await parseMeteringFile(input, { format: options.format, profile: options.profile, ppeCode: options.ppeCode, balancing: options.balancing, maxErrors: MAX_REPORTED_ERRORS, onReading });
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new ProblemException(problem(400, `The file could not be read: ${(error as Error).message}`));
    }
    if (parsed.errorCount > 0) throw ReadingsRejected.ofFile(parsed.tally, parsed.errorCount);
    if (parsed.readingCount === 0) throw DomainError.validation([{ field: 'file', reason: 'holds no readings' }], 'The file was rejected: it holds no readings; nothing was recorded');
    const rule = options.hourlySplit ?? 'even';
    await this.splitHours(clusterId, batch, rule);
    return this.recorder.record(clusterId, batch, {
      source: options.source ?? (options.profile ? `file:profile:${options.profile.name}` : `file:${options.format}`), fileSha256: options.digest(), describe: describeLine, linesRead: parsed.linesRead, what: 'The file', hourlySplit: rule,
    });
  }

  /**
   * Hours given where the agreement settles quarter-hours, divided into them. By the
   * cluster profile: the quarter-hours the cluster's other PPE measured that day (the
   * read model; values split from hours themselves do not count), summed per direction.
   */
  private async splitHours(clusterId: string, batch: ReadingsBatch, rule: HourlySplitRule): Promise<void> {
    if (batch.hourCount === 0 || batch.errorCount > 0) return;
    if (rule === 'even') return batch.splitHours();
    const days = batch.days().filter((d) => d.hours);
    const { rows } = await this.pool.query<{ ppe_code: string; day: string; import_wh: (number | null)[]; export_wh: (number | null)[]; quality: string }>(
      `SELECT ppe_code, to_char(day, 'YYYY-MM-DD') AS day, import_wh, export_wh, quality FROM meter_days
        WHERE cluster_id = $1 AND day = ANY($2::date[]) AND interval_minutes = 15`,
      [clusterId, [...new Set(days.map((d) => d.day))]],
    );
    const profile = new Map<string, { rows: typeof rows }>();
    for (const row of rows) {
      const entry = profile.get(row.day) ?? { rows: [] };
      entry.rows.push(row);
      profile.set(row.day, entry);
    }
    const shape = (values: DayValues, position: number, direction: 'import' | 'export') => {
      const weights = [0, 0, 0, 0];
      for (const row of profile.get(values.day)?.rows ?? []) {
        if (row.ppe_code === values.ppeCode) continue;
        const wh = direction === 'import' ? row.import_wh : row.export_wh;
        for (let q = 0; q < 4; q++) {
          const quality = row.quality[position + q];
          if (quality === '-' || quality === HOURLY_SPLIT_QUALITY || quality === undefined) continue;
          weights[q] = (weights[q] ?? 0) + (wh[position + q] ?? 0);
        }
      }
      return weights;
    };
    batch.splitHours(shape);
  }

  async readings(clusterId: string, ppeCodeRaw: string, from: string | undefined, to: string | undefined, principal?: Pick<Principal, 'role' | 'memberId'>) {
    const state = await this.clusters.state(clusterId);
    const ppeCode = normalisePpeCode(ppeCodeRaw);
    const point = state.points[ppeCode];
    const errors = [];
    const fromMs = parseInstant(from ?? '');
    const toMs = parseInstant(to ?? '');
    if (typeof fromMs === 'string') errors.push({ field: 'from', reason: from ? fromMs : `is required: ${INSTANT_ACCEPTED}` });
    if (typeof toMs === 'string') errors.push({ field: 'to', reason: to ? toMs : `is required: ${INSTANT_ACCEPTED}` });
    if (errors.length) throw DomainError.validation(errors);
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
    const items = [];
    for (const row of rows) {
      for (let j = 0; j < row.quality.length; j++) {
        if (row.quality[j] === '-') continue;
        const start = new Date(row.day_start.getTime() + j * row.interval_minutes * 60_000);
        if (start < fromUtc || start >= toUtc || !visible(start)) continue;
        const key = start.toISOString();
        items.push({
          intervalStart: key, intervalMinutes: row.interval_minutes, importWh: row.import_wh[j], exportWh: row.export_wh[j],
          quality: QUALITY_NAMES[row.quality.charAt(j)], history: history.get(key) ?? [],
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
    const history = new Map<string, { importWh: number; exportWh: number; quality: string; replacedAt: string; source: string }[]>();
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

  async completeness(clusterId: string, month: string | undefined, now = new Date()) {
    if (!month || !isValidMonth(month)) throw DomainError.validation([{ field: 'month', reason: 'must be a month YYYY-MM' }]);
    const state = await this.clusters.state(clusterId);
    const intervalMinutes = agreementForMonth(state, month)?.intervalMinutes ?? 60;
    const { start, end } = monthBounds(month);
    const activity = Object.values(state.points)
      .filter((p) => p.carrier === 'electricity')
      .map((p) => ({ ppeCode: p.ppeCode, periods: ownershipPeriods(state, p.ppeCode).filter((o) => o.fromUtc < end && (o.toUtc === null || o.toUtc > start)) }))
      .filter((a) => a.periods.length > 0);
    const { rows } = await this.pool.query<DayRow>(
      `SELECT ppe_code, day_start, interval_minutes, quality FROM meter_days WHERE cluster_id = $1 AND day_start >= $2 AND day_start < $3`,
      [clusterId, start, end],
    );
    const ppe = monthCompleteness(start, end, intervalMinutes, activity, rows.map((r) => ({ ppeCode: r.ppe_code, dayStart: r.day_start, intervalMinutes: r.interval_minutes, quality: r.quality })), now);
    return {
      month, intervalMinutes, complete: ppe.every((p) => p.missing.length === 0),
      // which PPE are settled, in part, from hourly values divided into quarter-hours
      ppeFromHourlyData: ppe.filter((p) => p.hourlySplitQuarterHours > 0).map((p) => p.ppeCode),
      ppe,
    };
  }
}
