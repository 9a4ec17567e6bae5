// The cluster's documents as listed and as found one by one; a member sees its own only.
// Each carries its KSeF state, asked through invoicing's own KSeF query (ksef-state.query.ts).
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../auth/roles.decorator.js';
import type { DocumentKind, InvoiceDocument } from '../domain/documents.js';
import { isFa3Document } from '../domain/fa3/render.js';
import type { DocumentKsefState } from '../domain/ksef-state.js';
import { InvoiceDocuments } from './documents.reader.js';
import { DocumentKsefStates } from './ksef-state.query.js';

export interface InvoiceListItem {
  invoiceId: string;
  number: string;
  kind: DocumentKind;
  memberId: string;
  month: string;
  issueDate: string;
  totalNetGrosze: number;
  totalVatGrosze: number;
  totalGrossGrosze: number;
  fa3: boolean;
  ksef: DocumentKsefState;
  correctedKind?: DocumentKind;
  correctedInvoiceNumber?: string;
}

const visibleTo = (principal: Principal) => (d: InvoiceDocument) => principal.role !== 'member' || d.memberId === principal.memberId;

export class ListInvoices extends Query<{ items: InvoiceListItem[] }> {
  constructor(
    readonly clusterId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** A document by its id or number, or null (also another member's, which is not said to exist). */
export class FindInvoice extends Query<InvoiceDocument | null> {
  constructor(
    readonly clusterId: string,
    readonly idOrNumber: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

@QueryHandler(ListInvoices)
export class ListInvoicesHandler implements IQueryHandler<ListInvoices> {
  constructor(
    @Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
  ) {}

  async execute({ clusterId, principal }: ListInvoices): Promise<{ items: InvoiceListItem[] }> {
    const documents = (await this.documents.documents(clusterId)).filter(visibleTo(principal));
    const ksef = await this.queryBus.execute(new DocumentKsefStates(clusterId, documents));
    return {
      items: documents.map((d) => ({
        invoiceId: d.invoiceId,
        number: d.number,
        kind: d.kind,
        memberId: d.memberId,
        month: d.month,
        issueDate: d.issueDate,
        totalNetGrosze: d.totalNetGrosze,
        totalVatGrosze: d.totalVatGrosze,
        totalGrossGrosze: d.totalGrossGrosze,
        fa3: isFa3Document(d),
        ksef: ksefOf(ksef, d),
        ...(d.correctedKind ? { correctedKind: d.correctedKind } : {}),
        ...(d.correctedInvoiceNumber ? { correctedInvoiceNumber: d.correctedInvoiceNumber } : {}),
      })),
    };
  }
}

@QueryHandler(FindInvoice)
export class FindInvoiceHandler implements IQueryHandler<FindInvoice> {
  constructor(@Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments) {}

  async execute({ clusterId, idOrNumber, principal }: FindInvoice): Promise<InvoiceDocument | null> {
    const document = await this.documents.find(clusterId, idOrNumber);
    return document && visibleTo(principal)(document) ? document : null;
  }
}

/** A document's state in the answer of DocumentKsefStates (which answers for every document asked). */
export function ksefOf(states: Map<string, DocumentKsefState>, document: InvoiceDocument): DocumentKsefState {
  const state = states.get(document.invoiceId);
  if (!state) throw new Error(`no KSeF state was given for ${document.number}`);
  return state;
}
