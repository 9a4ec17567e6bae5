// Issuing a closed month's documents, corrections after late data, and the ledger.
// Documents are events on invoicing-{cluster}-{year}; a month's set is one append with the
// expected version, so numbers stay gapless and a repeated request returns the same set.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { loadStream } from '../event-store/command-handling.js';
import { EVENT_STORE, type EventStore, WrongExpectedVersionError } from '../event-store/event-store.port.js';
import { ClustersService } from '../clusters/clusters.service.js';
import { monthBounds } from '../shared/calendar.js';
import { agreementForMonth } from '../clusters/registry/registry.js';
import { SettlementService } from '../settlement/settlement.service.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import {
  decideCorrections, decideIssue, evolveInvoicing, initialInvoicingState, type InvoiceDocument, type InvoicingEvent, type InvoicingState, invoicingStreamId, linesOf, memberMonthDocuments, originalKind,
} from './documents.js';
import { balances, postingFor } from './ledger.js';
import { isFa3Document, renderFa3 } from './fa3/render.js';
import { fa3Schema } from '../common/xml-schema.js';
import { problem, ProblemException } from '../common/problem.js';

const MAX_ATTEMPTS = 100;
const decider = { initialState: initialInvoicingState, evolve: evolveInvoicing, decide: () => [] as InvoicingEvent[] };

@Injectable()
export class InvoicingService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
  ) {}

  private today(now = new Date()): string {
    return DateTime.fromJSDate(now, { zone: 'Europe/Warsaw' }).toISODate()!;
  }

  /** Every document of the cluster, from this and last year's streams. */
  async documents(clusterId: string, now = new Date()): Promise<InvoiceDocument[]> {
    const year = Number(this.today(now).slice(0, 4));
    const result: InvoiceDocument[] = [];
    for (const y of [year - 1, year]) result.push(...(await loadStream(this.store, invoicingStreamId(clusterId, String(y)), decider)).state.documents);
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

  /** Appends what decide returns to this year's stream, retrying on a concurrent append. */
  private async append(clusterId: string, decide: (state: InvoicingState) => InvoicingEvent[], existing: (state: InvoicingState) => InvoiceDocument[]) {
    const stream = invoicingStreamId(clusterId, this.today().slice(0, 4));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, version } = await loadStream(this.store, stream, decider);
      const events = decide(state);
      if (events.length === 0) return { documents: existing(state), issued: false };
      // an e-invoice exists only once it validates: one that would not is not issued, and nothing is recorded
      assertValidFa3(events.flatMap((e) => e.data.documents));
      try {
        const result = await this.store.append(stream, events.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown> })), version);
        await this.runner.waitFor(result.lastGlobalPosition);
        return { documents: events.flatMap((e) => e.data.documents), issued: true };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
    throw DomainError.conflict('Too many concurrent requests for invoices; try again');
  }

  async issue(clusterId: string, month: string) {
    const { closed, state, agreement } = await this.inputs(clusterId, month);
    const earlier = (await this.documents(clusterId)).filter((d) => d.month === month && d.kind !== 'correction');
    if (earlier.length > 0) return { month, issued: false, documents: earlier };
    const now = new Date();
    const issueDate = this.today(now);
    const saleDate = DateTime.fromJSDate(new Date(monthBounds(month).end.getTime() - 1), { zone: 'Europe/Warsaw' }).toISODate()!;
    const input = { clusterId, month, issueDate, issuedAt: now.toISOString(), saleDate, cluster: state.profile!, members: state.members, agreement, statements: closed.statements, newId: randomUUID };
    const result = await this.append(clusterId, (s) => decideIssue(input, s), (s) => s.documents.filter((d) => d.month === month && d.kind !== 'correction'));
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
    const earlier = (await loadStream(this.store, invoicingStreamId(clusterId, String(Number(year) - 1)), decider)).state.documents.filter((d) => d.month === month);
    const result = await this.append(clusterId, (s) => {
      const latest = [...earlier, ...s.documents.filter((d) => d.month === month)];
      return latest.length === 0 ? [] : decideCorrections({ clusterId, month, issueDate, issuedAt: instant.toISOString(), saleDate, cluster: state.profile!, members: state.members, agreement, statements: now, newId: randomUUID, reason, latest }, s);
    }, () => []);
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

/** Renders and validates every FA(3) document of a set; the first that fails answers 422 with the schema's findings. */
export function assertValidFa3(documents: InvoiceDocument[]): void {
  for (const document of documents.filter(isFa3Document)) {
    let xml: string;
    try {
      xml = renderFa3(document, { correctedKsefNumber: null });
    } catch (error) {
      throw new ProblemException(problem(422, `${document.number} could not be written as FA(3): ${error instanceof Error ? error.message : String(error)}`));
    }
    const result = fa3Schema().validate(xml);
    if (!result.valid) {
      const errors = result.errors.map((e) => ({ field: e.element ?? 'Faktura', reason: e.reason, line: e.line, document: document.number }));
      throw new ProblemException(problem(422, `${document.number} (${document.kind}, member ${document.memberId}) would not be a valid FA(3) e-invoice, so nothing was issued: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`, errors));
    }
  }
}
