// The support ledger's reads: a closed month from its close (frozen), an open one from
// the provisional settlement (computed again when its inputs or the law changed); a year
// and the compliance monitor from the months. SupportService is the reader (the portal
// injects it too); the queries are the routes' answers, a member seeing its own rows.
import { Inject, Injectable } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DateTime } from 'luxon';
import type { Principal } from '../../auth/roles.decorator.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { DomainError } from '../../shared/domain-error.js';
import { isoDateOf } from '../../shared/calendar.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { checkMonth, SettlementService } from '../../settlement/queries/settlement.service.js';
import type { MonthCalculation } from '../../settlement/domain/month-calculation.js';
import { SupportPass } from '../support.extension.js';
import { type PpeHourRow, ppeHourRows, type SupportMonth, supportYear } from '../domain/hourly-ledger.js';
import { addMonths, complianceReport, type MonthFigures } from '../domain/compliance.js';
import { readLegalParameters } from './legal-parameters.query.js';

export type SupportStatus = 'closed' | 'provisional';

/** The support pass of a calculation (registered by this module), or an error if it did not run. */
function passOf(calculation: MonthCalculation): SupportPass {
  const pass = calculation.extension?.pass;
  if (!(pass instanceof SupportPass)) throw new Error('the support ledger did not run with this calculation');
  return pass;
}

export interface SupportMonthResult {
  status: SupportStatus;
  ledger: SupportMonth;
  closedAt?: string;
  computedThrough?: string | null;
  computedAt?: string;
}

@Injectable()
export class SupportService {
  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** A month's ledger: frozen when closed, provisional otherwise. */
  async month(clusterId: string, month: string): Promise<SupportMonthResult> {
    checkMonth(month);
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (closed) {
      const frozen = await this.settlement.closedSupport(clusterId, month);
      if (frozen) return { status: 'closed', ledger: frozen.ledger as unknown as SupportMonth, closedAt: frozen.closedAt };
      // closed before the ledger existed: from the events the close read, so it stays as it was
      const replayed = await this.settlement.calculateFromEvents(clusterId, month, this.upToClose(closed.lastEventPosition));
      const ledger = passOf(replayed).ledger;
      if (!ledger) throw new Error('the support pass of the replayed close computed no ledger');
      return { status: 'closed', ledger, closedAt: closed.closedAt };
    }
    const stored = await this.settlement.extensionMonth(clusterId, month);
    if (!stored.result) throw new Error('the provisional month was stored without its support ledger');
    return { status: 'provisional', ledger: stored.result as unknown as SupportMonth, computedThrough: stored.computedThrough, computedAt: stored.computedAt };
  }

  /** The months of a year that can be settled (an agreement in force, not in the future), summed. */
  async year(clusterId: string, year: number, now = new Date()) {
    const current = DateTime.fromJSDate(now, { zone: 'Europe/Warsaw' }).toFormat('yyyy-MM');
    const months: { month: string; status: SupportStatus; ledger: SupportMonth }[] = [];
    for (let m = 1; m <= 12; m++) {
      const month = `${String(year)}-${String(m).padStart(2, '0')}`;
      if (month > current) break;
      const result = await this.monthIfSettled(clusterId, month);
      if (result) months.push({ month, ...result });
    }
    return { year, months, ...supportYear(months.map((m) => m.ledger)) };
  }

  /** The per-PPE per-hour rows of a month (closed: from the events the close read). */
  async ppeHours(clusterId: string, month: string): Promise<{ status: SupportStatus; rows: PpeHourRow[] }> {
    checkMonth(month);
    const closed = await this.settlement.closedMonth(clusterId, month);
    const calculation = closed
      ? await this.settlement.calculateFromEvents(clusterId, month, this.upToClose(closed.lastEventPosition), { detail: true })
      : await this.settlement.calculateWith(clusterId, month, { detail: true });
    const flows = passOf(calculation).flows;
    if (!flows) throw new Error('the support pass computed no hourly flows');
    return { status: closed ? 'closed' : 'provisional', rows: ppeHourRows(flows) };
  }

  /** The thresholds of this year and the next against the cluster's last 12 months. */
  async compliance(clusterId: string, now = new Date()) {
    const today = isoDateOf(DateTime.fromJSDate(now, { zone: 'Europe/Warsaw' }));
    const current = today.slice(0, 7);
    const figures: MonthFigures[] = [];
    const statuses: { month: string; status: SupportStatus }[] = [];
    for (let k = -12; k <= 0; k++) {
      const month = addMonths(current, k);
      const result = await this.monthIfSettled(clusterId, month);
      if (!result) continue;
      const t = result.ledger.totals;
      figures.push({ month, fedInWh: t.fedInWh, renewableFedInWh: t.renewableFedInWh, takenWh: t.takenWh, matchedWh: t.matchedWh });
      statuses.push({ month, status: result.status });
    }
    const parameters = await readLegalParameters(this.store);
    return { clusterId, ...complianceReport(today, figures, parameters), months: statuses };
  }

  private upToClose(lastEventPosition: string) {
    return (e: RecordedEvent) => lastEventPosition !== '' && this.store.isAtOrAfter(lastEventPosition, e.globalPosition);
  }

  /** A month's ledger, or undefined when it cannot be settled (no agreement in force then). */
  private async monthIfSettled(clusterId: string, month: string) {
    try {
      return await this.month(clusterId, month);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') return undefined;
      throw error;
    }
  }
}

type Viewer = Pick<Principal, 'role' | 'memberId'>;
/** A member sees its own rows; every other role all of them. */
const own = <Row extends { memberId: string }>(principal: Viewer, rows: Row[]) => (principal.role === 'member' ? rows.filter((r) => r.memberId === principal.memberId) : rows);

/** A month's ledger as the route answers it: the cluster's hours and totals, the member's own row. */
export class GetSupportMonth extends Query<ReturnType<typeof monthView>> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly principal: Viewer,
  ) {
    super();
  }
}

function monthView(clusterId: string, month: string, principal: Viewer, { status, ledger, ...when }: SupportMonthResult) {
  return {
    clusterId,
    month,
    status,
    ...when,
    hourCount: ledger.hourCount,
    hours: ledger.hours,
    totals: ledger.totals,
    renewableShare: ledger.renewableShare,
    selfConsumption: ledger.selfConsumption,
    networkDiscount: ledger.networkDiscount,
    // a member sees the cluster's hours and totals and its own row, as for settlements
    members: own(principal, ledger.members),
    parameters: ledger.parameters,
  };
}

@QueryHandler(GetSupportMonth)
export class GetSupportMonthHandler implements IQueryHandler<GetSupportMonth> {
  constructor(
    @Inject(SupportService) private readonly support: SupportService,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId, month, principal }: GetSupportMonth) {
    checkMonth(month);
    await this.clusters.state(clusterId);
    return monthView(clusterId, month, principal, await this.support.month(clusterId, month));
  }
}

/** The months of a year so far, summed; a year outside 2000 to 2100 is a 400. */
export class GetSupportYear extends Query<ReturnType<typeof yearView>> {
  constructor(
    readonly clusterId: string,
    readonly year: string | undefined,
    readonly principal: Viewer,
  ) {
    super();
  }
}

function yearView(clusterId: string, principal: Viewer, result: Awaited<ReturnType<SupportService['year']>>) {
  return {
    clusterId,
    year: result.year,
    hourCount: result.hourCount,
    totals: result.totals,
    members: own(principal, result.members),
    months: result.months.map((m) => ({
      month: m.month,
      status: m.status,
      hourCount: m.ledger.hourCount,
      totals: m.ledger.totals,
      renewableShare: m.ledger.renewableShare,
      selfConsumption: m.ledger.selfConsumption,
    })),
  };
}

@QueryHandler(GetSupportYear)
export class GetSupportYearHandler implements IQueryHandler<GetSupportYear> {
  constructor(
    @Inject(SupportService) private readonly support: SupportService,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId, year, principal }: GetSupportYear) {
    if (year === undefined || !/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100) throw DomainError.validation([{ field: 'year', reason: 'must be a year YYYY (2000 to 2100)' }]);
    await this.clusters.state(clusterId);
    return yearView(clusterId, principal, await this.support.year(clusterId, Number(year)));
  }
}

/** Per PPE and hour (the data a DSO needs to apply the exemption); a member's own PPE only. */
export class GetPpeHours extends Query<{ clusterId: string; month: string; status: SupportStatus; rows: PpeHourRow[] }> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly principal: Viewer,
  ) {
    super();
  }
}

@QueryHandler(GetPpeHours)
export class GetPpeHoursHandler implements IQueryHandler<GetPpeHours> {
  constructor(
    @Inject(SupportService) private readonly support: SupportService,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId, month, principal }: GetPpeHours) {
    checkMonth(month);
    await this.clusters.state(clusterId);
    const result = await this.support.ppeHours(clusterId, month);
    return { clusterId, month, status: result.status, rows: own(principal, result.rows) };
  }
}

/** The compliance monitor of the cluster. */
export class GetCompliance extends Query<Awaited<ReturnType<SupportService['compliance']>>> {
  constructor(readonly clusterId: string) {
    super();
  }
}

@QueryHandler(GetCompliance)
export class GetComplianceHandler implements IQueryHandler<GetCompliance> {
  constructor(
    @Inject(SupportService) private readonly support: SupportService,
    @Inject(ClustersService) private readonly clusters: ClustersService,
  ) {}

  async execute({ clusterId }: GetCompliance) {
    await this.clusters.state(clusterId);
    return this.support.compliance(clusterId);
  }
}
