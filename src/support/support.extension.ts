// The support ledger plugged into the settlement (see settlement/month-extension.ts): its
// pass sums the month's readings into Warsaw hours beside the engine and, after the
// statements, computes the ledger with the legal parameters read up to the same point and
// shows each member's exemption on its statement. The settlement stores the ledger with
// the provisional month, freezes it in the close and makes a month stale when the
// legal-parameters stream moves.
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import type { MemberStatement } from '../settlement/domain/engine/statement.js';
import type { MonthExtension, MonthPass, MonthPassContext, MonthPassFactory } from '../settlement/month-extension.js';
import type { MeterDayInput } from '../settlement/domain/month-flows.js';
import { type HourlyFlows, HourlyFlowsBuilder, type SupportMonth, supportLedger } from './domain/hourly-ledger.js';
import { LEGAL_PARAMETERS_STREAM, type LegalParametersState } from './domain/legal-parameters.js';
import { legalParametersOf, readLegalParameters } from './queries/legal-parameters.query.js';

export class SupportPass implements MonthPass {
  private readonly builder: HourlyFlowsBuilder;
  flows?: HourlyFlows;
  ledger?: SupportMonth;

  constructor(
    private readonly context: MonthPassContext,
    private readonly parameters: LegalParametersState,
    detail: boolean,
  ) {
    // the law's hours from the same readings, whatever the agreement's interval
    this.builder = new HourlyFlowsBuilder(context.start, context.end, context.periods, context.members, { perPpe: detail });
  }

  addDay(day: MeterDayInput): void {
    this.builder.addDay(day);
  }

  finish(statements: MemberStatement[]): Record<string, unknown> {
    this.flows = this.builder.build();
    this.ledger = supportLedger(this.flows, this.context.month, this.parameters);
    // information on each statement: the DSO and the seller apply the exemption, not the cluster
    const rows = new Map(this.ledger.members.map((r) => [r.memberId, r]));
    for (const s of statements) {
      const r = rows.get(s.memberId);
      s.support = {
        renewableMatchedWh: r?.renewableMatchedWh ?? 0,
        exemptWh: r?.exemptWh ?? 0,
        waivedOzeGrosze: r?.waivedOzeGrosze ?? 0,
        waivedCogenerationGrosze: r?.waivedCogenerationGrosze ?? 0,
        waivedFeesGrosze: r?.waivedFeesGrosze ?? 0,
      };
    }
    return this.ledger as unknown as Record<string, unknown>;
  }
}

export const supportPass =
  (parameters: LegalParametersState, detail = false): MonthPassFactory =>
  (context) =>
    new SupportPass(context, parameters, detail);

/** Registered with the settlement by SupportModule; the version is the legal parameters'. */
@Injectable()
export class SupportExtension implements MonthExtension {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The legal parameters recorded up to a point (the shipped defaults before any event). */
  parameters(upTo?: (event: RecordedEvent) => boolean, inputs?: RecordedEvent[]): Promise<LegalParametersState> {
    return readLegalParameters(this.store, upTo, inputs);
  }

  readonly versionStreams = [LEGAL_PARAMETERS_STREAM];

  versionFrom(streams: ReadonlyMap<string, readonly RecordedEvent[]>): number {
    const events = streams.get(LEGAL_PARAMETERS_STREAM);
    if (!events) throw new Error(`the ${LEGAL_PARAMETERS_STREAM} stream was not read`);
    return legalParametersOf(events).version;
  }

  async prepare(options: { upTo?: (event: RecordedEvent) => boolean; inputs?: RecordedEvent[]; detail?: boolean }) {
    const parameters = await this.parameters(options.upTo, options.inputs);
    return { version: parameters.version, pass: supportPass(parameters, options.detail ?? false) };
  }
}
