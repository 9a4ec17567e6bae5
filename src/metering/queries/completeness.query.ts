// A month's completeness per electricity PPE over the time a member held it, from the
// meter days of the read model (meter_days).
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { PG_POOL } from '../../core.module.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { agreementForMonth, ownershipPeriods } from '../../clusters/domain/registry.js';
import { isValidMonth, monthBounds } from '../../shared/calendar.js';
import { DomainError } from '../../shared/domain-error.js';
import { monthCompleteness, type PpeCompleteness } from '../domain/completeness.js';
import type { MeterDayRow } from '../domain/meter-stream.js';

export interface CompletenessResult {
  month: string;
  intervalMinutes: number;
  complete: boolean;
  /** which PPE are settled, in part, from hourly values divided into quarter-hours */
  ppeFromHourlyData: string[];
  ppe: PpeCompleteness[];
}

/** The month's completeness; `now`: intervals not yet ended are not expected. */
export class MonthCompleteness extends Query<CompletenessResult> {
  constructor(
    readonly clusterId: string,
    readonly month: string | undefined,
    readonly now = new Date(),
  ) {
    super();
  }
}

@QueryHandler(MonthCompleteness)
export class MonthCompletenessHandler implements IQueryHandler<MonthCompleteness> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId, month, now }: MonthCompleteness): Promise<CompletenessResult> {
    if (!month || !isValidMonth(month)) throw DomainError.validation([{ field: 'month', reason: 'must be a month YYYY-MM' }]);
    const state = await this.clusters.state(clusterId);
    const intervalMinutes = agreementForMonth(state, month)?.intervalMinutes ?? 60;
    const { start, end } = monthBounds(month);
    const activity = Object.values(state.points)
      .filter((p) => p.carrier === 'electricity')
      .map((p) => ({ ppeCode: p.ppeCode, periods: ownershipPeriods(state, p.ppeCode).filter((o) => o.fromUtc < end && (o.toUtc === null || o.toUtc > start)) }))
      .filter((a) => a.periods.length > 0);
    const { rows } = await this.pool.query<Pick<MeterDayRow, 'ppe_code' | 'day_start' | 'interval_minutes' | 'quality'>>(
      `SELECT ppe_code, day_start, interval_minutes, quality FROM meter_days WHERE cluster_id = $1 AND day_start >= $2 AND day_start < $3`,
      [clusterId, start, end],
    );
    const ppe = monthCompleteness(
      start,
      end,
      intervalMinutes,
      activity,
      rows.map((r) => ({ ppeCode: r.ppe_code, dayStart: r.day_start, intervalMinutes: r.interval_minutes, quality: r.quality })),
      now,
    );
    return {
      month,
      intervalMinutes,
      complete: ppe.every((p) => p.missing.length === 0),
      ppeFromHourlyData: ppe.filter((p) => p.hourlySplitQuarterHours > 0).map((p) => p.ppeCode),
      ppe,
    };
  }
}
