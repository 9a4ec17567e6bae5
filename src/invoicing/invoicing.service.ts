// Issuing a closed month's documents, corrections after late data, and the ledger.
// Documents are events on invoicing-{cluster}-{year}; a month's set is one append with the
// expected version, so numbers stay gapless and a repeated request returns the same set.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { loadStream } from '../event-store/command-handling.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { CommandBus } from '@nestjs/cqrs';
import { InvoicingCommandMessage } from './commands/invoicing-command.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { monthBounds } from '../shared/calendar.js';
import { agreementForMonth } from '../clusters/registry/registry.js';
import { SettlementService } from '../settlement/settlement.service.js';
import { type InvoiceDocument, type InvoicingCommand, invoicingDecider, invoicingStreamId, linesOf, memberMonthDocuments, originalKind } from './domain/documents.js';
import { balances, postingFor } from './domain/ledger.js';
import { renderFa3 } from './domain/fa3/render.js';


@Injectable()
export class InvoicingService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(CommandBus) private readonly commandBus: CommandBus,
  ) {}

  private today(now = new Date()): string {
    return DateTime.fromJSDate(now, { zone: 'Europe/Warsaw' }).toISODate()!;
  }

  /** Every document of the cluster, from this and last year's streams. */
  async documents(clusterId: string, now = new Date()): Promise<InvoiceDocument[]> {
    const year = Number(this.today(now).slice(0, 4));
    const result: InvoiceDocument[] = [];
    for (const y of [year - 1, year]) result.push(...(await loadStream(this.store, invoicingStreamId(clusterId, String(y)), invoicingDecider)).state.documents);
    return result;
  }

  private async inputs(clusterId: string, month: string) {
    const closed = await this.settlement.closedMonth(clusterId, month);
    if (!closed) throw DomainError.conflict(`${month} is not closed: documents come only from a closed month`);
    const state = await this.clusters.state(clusterId);
    const agreement = agreementForMonth(state, month);
    if (!agreement || agreement.version !== closed.agreementVersion) {
      // the closed statements name their version; the registry holds every version
      const version = state.agreements.find((a) => a.version === closed.agreementVersion);
      if (!version) throw DomainError.conflict(`agreement version ${closed.agreementVersion} of the close is not in the registry`);
      return { closed, state, agreement: version };
    }
    return { closed, state, agreement };
  }

  /** Decides on this year's stream through the CommandBus: what was issued, or (nothing new) what `existing` finds there. */
  private async append(clusterId: string, command: InvoicingCommand, existing: (documents: InvoiceDocument[]) => InvoiceDocument[]) {
    const year = this.today().slice(0, 4);
    const result = await this.commandBus.execute(new InvoicingCommandMessage(clusterId, year, command));
    if (result.events.length > 0) return { documents: result.events.flatMap((e) => e.data.documents), issued: true };
    const { state } = await loadStream(this.store, invoicingStreamId(clusterId, year), invoicingDecider);
    return { documents: existing(state.documents), issued: false };
  }

  async issue(clusterId: string, month: string) {
    const { closed, state, agreement } = await this.inputs(clusterId, month);
    const earlier = (await this.documents(clusterId)).filter((d) => d.month === month && d.kind !== 'correction');
    if (earlier.length > 0) return { month, issued: false, documents: earlier };
    const now = new Date();
    const issueDate = this.today(now);
    const saleDate = DateTime.fromJSDate(new Date(monthBounds(month).end.getTime() - 1), { zone: 'Europe/Warsaw' }).toISODate()!;
    const input = { clusterId, month, issueDate, issuedAt: now.toISOString(), saleDate, cluster: state.profile!, members: state.members, agreement, statements: closed.statements, newId: randomUUID };
    const result = await this.append(clusterId, { type: 'IssueMonth', input }, (documents) => documents.filter((d) => d.month === month && d.kind !== 'correction'));
    return { month, ...result };
  }

  /** Per member: what the latest documents say, what the data says now, and the difference. */
  async pendingCorrections(clusterId: string, month: string) {
    const { state, agreement } = await this.inputs(clusterId, month);
    const documents = (await this.documents(clusterId)).filter((d) => d.month === month);
    if (documents.length === 0) throw DomainError.conflict(`no documents were issued for ${month} yet`);
    const now = await this.settlement.provisionalStatements(clusterId, month);
    const names = (id: string) => state.members[id]?.legalName ?? id;
    const pending = [];
    for (const statement of now) {
      const { bought, sold } = linesOf(statement, agreement, names);
      for (const [side, lines] of [['buying', bought], ['supplying', sold]] as const) {
        // the latest document of the side: the original or its last correction (the one a correction would correct)
        const latest = [...documents].reverse().find((d) => d.memberId === statement.memberId && (originalKind(d) === 'invoice') === (side === 'buying'));
        const recomputedNet = lines.reduce((a, l) => a + l.netGrosze, 0);
        if (!latest) {
          // nothing on this side at the close, something now: its original document is due
          if (lines.length > 0) pending.push({ memberId: statement.memberId, document: null, originalNetGrosze: 0, recomputedNetGrosze: recomputedNet, differenceNetGrosze: recomputedNet });
          continue;
        }
        if (recomputedNet !== latest.totalNetGrosze || canonicalJson(lines) !== canonicalJson(latest.lines)) {
          pending.push({ memberId: statement.memberId, document: latest.number, originalNetGrosze: latest.totalNetGrosze, recomputedNetGrosze: recomputedNet, differenceNetGrosze: recomputedNet - latest.totalNetGrosze });
        }
      }
    }
    return { month, pending };
  }

  async issueCorrections(clusterId: string, month: string, reason: string) {
    const { state, agreement } = await this.inputs(clusterId, month);
    const now = await this.settlement.provisionalStatements(clusterId, month);
    const instant = new Date();
    const issueDate = this.today(instant);
    const saleDate = DateTime.fromJSDate(new Date(monthBounds(month).end.getTime() - 1), { zone: 'Europe/Warsaw' }).toISODate()!;
    // a month's documents may sit in last year's stream (December's, corrected in January)
    const year = issueDate.slice(0, 4);
    const earlier = (await loadStream(this.store, invoicingStreamId(clusterId, String(Number(year) - 1)), invoicingDecider)).state.documents.filter((d) => d.month === month);
    const input = { clusterId, month, issueDate, issuedAt: instant.toISOString(), saleDate, cluster: state.profile!, members: state.members, agreement, statements: now, newId: randomUUID };
    const result = await this.append(clusterId, { type: 'IssueCorrections', input, reason, earlier }, () => []);
    return { month, issued: result.issued, documents: result.documents };
  }

  /** The member's documents of the month against its statements: closed, and as the data stands now. */
  async memberDocuments(clusterId: string, month: string, memberId: string) {
    const state = await this.clusters.state(clusterId);
    if (!state.members[memberId]) throw DomainError.notFound('The member was not found');
    const { items, amountDueGrosze } = memberMonthDocuments(await this.documents(clusterId), memberId, month);
    const closed = (await this.settlement.closedMonth(clusterId, month))?.statements.find((s) => s.memberId === memberId) ?? null;
    const current = items.length === 0 ? null : (await this.settlement.provisionalStatements(clusterId, month)).find((s) => s.memberId === memberId) ?? null;
    return {
      clusterId, month, memberId, documents: items, amountDueGrosze,
      closedStatementAmountGrosze: closed?.netAmountGrosze ?? null,
      currentStatementAmountGrosze: current?.netAmountGrosze ?? null,
      // what corrections still have to move: the data now against the documents issued
      pendingCorrectionGrosze: current ? current.netAmountGrosze - amountDueGrosze : null,
    };
  }

  /** The FA(3) XML of a document; the KSeF number of the invoice it corrects once that has one. */
  xml(document: InvoiceDocument, correctedKsefNumber: string | null = null): string {
    return renderFa3(document, { correctedKsefNumber });
  }

  async ledger(clusterId: string, month?: string) {
    const documents = (await this.documents(clusterId)).filter((d) => month === undefined || d.month === month);
    return { month: month ?? null, ...balances(documents.map(postingFor)) };
  }
}
