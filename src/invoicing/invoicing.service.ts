// Kept for the portal (src/portal/http/portal.controller.ts injects it; that folder is not this
// module's): the portal's calls, each passed to the CommandBus, the QueryBus or the reader.
// The invoicing HTTP routes and the KSeF module do not use it. Goes when the portal calls
// the buses itself.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { type IssuedDocuments, IssueCorrectionDocuments, IssueMonthDocuments } from './commands/issue-documents.command.js';
import type { InvoiceDocument } from './domain/documents.js';
import { renderFa3 } from './domain/fa3/render.js';
import { InvoiceDocuments } from './queries/documents.reader.js';
import { PendingCorrections } from './queries/pending-corrections.query.js';

@Injectable()
export class InvoicingService {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(InvoiceDocuments) private readonly reader: InvoiceDocuments,
  ) {}

  /** Every document of the cluster, from last and this year's streams. */
  documents(clusterId: string, now = new Date()): Promise<InvoiceDocument[]> {
    return this.reader.documents(clusterId, now);
  }

  issue(clusterId: string, month: string): Promise<IssuedDocuments> {
    return this.commandBus.execute(new IssueMonthDocuments(clusterId, month));
  }

  pendingCorrections(clusterId: string, month: string) {
    return this.queryBus.execute(new PendingCorrections(clusterId, month));
  }

  issueCorrections(clusterId: string, month: string, reason: string): Promise<IssuedDocuments> {
    return this.commandBus.execute(new IssueCorrectionDocuments(clusterId, month, reason));
  }

  /** The FA(3) XML of a document; the KSeF number of the invoice it corrects once that has one. */
  xml(document: InvoiceDocument, correctedKsefNumber: string | null = null): string {
    return renderFa3(document, { correctedKsefNumber });
  }
}
