// The support ledger's reader: a closed month from its close (frozen), an open one from
// the provisional settlement (computed again when its inputs or the law changed); a year
// and the compliance monitor from the months. Legal parameters are commands on their
// global stream.
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DomainError } from '../../shared/domain-error.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { CommandBus } from '@nestjs/cqrs';
import { LegalParametersMessage } from '../commands/legal-parameters-command.js';
import { checkMonth, SettlementService } from '../../settlement/settlement.service.js';
import type { MonthCalculation } from '../../settlement/month-calculation.js';
import { SupportExtension, SupportPass } from '../support.extension.js';
import { type PpeHourRow, ppeHourRows, type SupportMonth, supportYear } from '../domain/hourly-ledger.js';
import { complianceReport, type MonthFigures, addMonths } from '../domain/compliance.js';
import type { LegalParametersCommand } from '../domain/legal-parameters.js';

export type SupportStatus = 'closed' | 'provisional';

/** The support pass of a calculation (registered by this module), or an error if it did not run. */
function passOf(calculation: MonthCalculation): SupportPass {
  const pass = calculation.extension?.pass;
  if (!(pass instanceof SupportPass)) throw new Error('the support ledger did not run with this calculation');
  return pass;
}

@Injectable()
export class SupportService {
  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
  ) {
    this.extension = new SupportExtension(store);
  }

  readonly extension: SupportExtension;

  /** A month's ledger: frozen when closed, provisional otherwise. */
  async month(clusterId: string, month: string): Promise<{ status: SupportStatus; ledger: SupportMonth; closedAt?: string; computedThrough?: string | null; computedAt?: string }> {
    checkMonth(month);
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (closed) {
      const frozen = await this.settlement.closedSupport(clusterId, month);
      if (frozen) return { status: 'closed', ledger: frozen.ledger as unknown as SupportMonth, closedAt: frozen.closedAt };
      // closed before the ledger existed: from the events the close read, so it stays as it was
      const replayed = await this.settlement.calculateFromEvents(clusterId, month, this.upToClose(closed.lastEventPosition));
      return { status: 'closed', ledger: passOf(replayed).ledger!, closedAt: closed.closedAt };
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
    return { status: closed ? 'closed' : 'provisional', rows: ppeHourRows(passOf(calculation).flows!) };
  }

  /** The thresholds of this year and the next against the cluster's last 12 months. */
  async compliance(clusterId: string, now = new Date()) {
    const today = DateTime.fromJSDate(now, { zone: 'Europe/Warsaw' }).toISODate()!;
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
    const parameters = await this.extension.parameters();
    return { clusterId, ...complianceReport(today, figures, parameters), months: statuses };
  }

  async legalParameters() {
    return this.extension.parameters();
  }

  async setLegalParameters(command: LegalParametersCommand) {
    const result = await this.commandBus.execute(new LegalParametersMessage(command));
    return { ...(await this.extension.parameters()), recorded: result.events.map((e) => e.type) };
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

