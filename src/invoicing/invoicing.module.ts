import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { SettlementModule } from '../settlement/settlement.module.js';
import { InvoicingCommandHandler } from './commands/invoicing-command.js';
import { IssueCorrectionDocumentsHandler, IssueMonthDocumentsHandler } from './commands/issue-documents.command.js';
import { InvoicingController } from './http/invoicing.controller.js';
import { InvoicingService } from './invoicing.service.js';
import { InvoiceDocuments } from './queries/documents.reader.js';
import { FindInvoiceHandler, ListInvoicesHandler } from './queries/invoices.query.js';
import { LedgerHandler } from './queries/ledger.query.js';
import { MemberDocumentsHandler } from './queries/member-documents.query.js';
import { MonthInputsReader } from './queries/month-inputs.reader.js';
import { PendingCorrectionsHandler } from './queries/pending-corrections.query.js';

/**
 * Documents of a closed month, their corrections and the ledger. The KSeF state shown with a
 * document is asked through invoicing's own queries (queries/ksef-state.query.ts), which the
 * KSeF module answers: invoicing imports nothing of KSeF.
 */
@Module({
  imports: [ClustersModule, SettlementModule],
  controllers: [InvoicingController],
  providers: [
    InvoiceDocuments,
    MonthInputsReader,
    InvoicingCommandHandler,
    IssueMonthDocumentsHandler,
    IssueCorrectionDocumentsHandler,
    PendingCorrectionsHandler,
    MemberDocumentsHandler,
    ListInvoicesHandler,
    FindInvoiceHandler,
    LedgerHandler,
    // for the portal only (see invoicing.service.ts)
    InvoicingService,
  ],
  exports: [InvoiceDocuments, InvoicingService],
})
export class InvoicingModule {}
