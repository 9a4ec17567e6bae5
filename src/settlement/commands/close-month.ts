// Closing a month through the CommandBus: the settlement-{cluster}-{month} stream, the close
// decider (domain/closing.ts). The handler gathers what the decider records: the month
// computed from the event log alone (as a replay would), the agreement version, the last
// position read and the digest of the input events. The rules (ended in Warsaw time, gaps
// need allowGaps, closed once) are the decider's; they are asked before the month is
// computed too, so that a refused close costs no computation.
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StreamCommandHandler } from '../../command-path/stream-command.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import { toTuples } from '../domain/engine/transfers.js';
import { type CloseEvent, type CloseMonthCommand, closeDecider, closeRefusal, type CloseState, type ClosedMonthData, inputDigest, settlementStreamId } from '../domain/closing.js';
import { activeMembers } from '../domain/month-calculation.js';
import { checkMonth } from '../domain/months.js';
import { SettlementService } from '../queries/settlement.service.js';
import { CloseMonth } from './close-month.command.js';

/** Members up to which the close freezes the transfer matrix (about 10 s for 419 members on 2 cores). */
export const MATRIX_CLOSE_MEMBERS = 1000;

@CommandHandler(CloseMonth)
export class CloseMonthHandler extends StreamCommandHandler<CloseMonth, CloseMonthCommand, CloseEvent, CloseState> implements ICommandHandler<CloseMonth> {
  protected readonly decider = closeDecider;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(ProjectionRunner) runner: ProjectionRunner,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
  ) {
    super(store, runner);
  }

  protected streamId({ clusterId, month }: CloseMonth): string {
    return settlementStreamId(clusterId, month);
  }

  protected async deciderCommand({ clusterId, month, options, now }: CloseMonth): Promise<CloseMonthCommand> {
    checkMonth(month);
    const state = await this.clusters.state(clusterId);
    // the decider's rules, asked before the month is computed (the decider asks them again on the stream)
    const refusal = closeRefusal({ month, closedAt: now.toISOString(), gaps: options.gaps, allowGaps: options.allowGaps }, (await this.settlement.closedMonth(clusterId, month))?.closedAt ?? null);
    if (refusal) throw refusal;
    // the matrix is dense by nature (pro rata: every supplier in every receiver's column), its
    // cost suppliers × receivers per interval: frozen up to MATRIX_CLOSE_MEMBERS members;
    // above, it is computed from the events the close read when asked (the same numbers)
    const withMatrix = activeMembers(state, month).length <= MATRIX_CLOSE_MEMBERS;
    const calculation = await this.settlement.calculateFromEvents(clusterId, month, () => true, { transfers: withMatrix });
    const last = calculation.inputs.reduce<string | null>((a, e) => (a === null || this.store.isAtOrAfter(e.globalPosition, a) ? e.globalPosition : a), null);
    const data: ClosedMonthData = {
      clusterId,
      month,
      agreementVersion: calculation.agreement.version,
      statements: calculation.statements,
      totals: calculation.cluster,
      lastEventPosition: last ?? '',
      inputEvents: calculation.inputs.length,
      inputDigest: inputDigest(calculation.inputs),
      allowGaps: options.allowGaps,
      reason: options.reason,
      gaps: options.gaps,
      closedAt: now.toISOString(),
      ...(calculation.transfers ? { transfers: toTuples(calculation.transfers) } : {}),
    };
    const support = calculation.extension ? { clusterId, month, ledger: calculation.extension.result, parametersVersion: calculation.extensionVersion, closedAt: now.toISOString() } : undefined;
    return { type: 'CloseMonth', data, support };
  }
}
