// KSeF's answers to invoicing's queries about its documents (src/invoicing/queries/ksef-state.query.ts):
// each document's state, the PDF's KSeF number and QR code, the KSeF number of a corrected
// invoice. Invoicing asks through the QueryBus and so never imports KSeF.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { DocumentKsefState, KsefPrintMark } from '../../invoicing/domain/ksef-state.js';
import { CorrectedKsefNumber, DocumentKsefPrintMark, DocumentKsefStates } from '../../invoicing/queries/ksef-state.query.js';
import { KsefReader } from './ksef-reader.js';

@QueryHandler(DocumentKsefStates)
export class DocumentKsefStatesHandler implements IQueryHandler<DocumentKsefStates> {
  constructor(@Inject(KsefReader) private readonly reader: KsefReader) {}

  async execute({ clusterId, documents }: DocumentKsefStates): Promise<Map<string, DocumentKsefState>> {
    const view = await this.reader.views(clusterId);
    return new Map(documents.map((d) => [d.invoiceId, view(d)]));
  }
}

@QueryHandler(DocumentKsefPrintMark)
export class DocumentKsefPrintMarkHandler implements IQueryHandler<DocumentKsefPrintMark> {
  constructor(@Inject(KsefReader) private readonly reader: KsefReader) {}

  execute({ clusterId, document }: DocumentKsefPrintMark): Promise<KsefPrintMark> {
    return this.reader.pdfOptions(clusterId, document);
  }
}

@QueryHandler(CorrectedKsefNumber)
export class CorrectedKsefNumberHandler implements IQueryHandler<CorrectedKsefNumber> {
  constructor(@Inject(KsefReader) private readonly reader: KsefReader) {}

  execute({ clusterId, document }: CorrectedKsefNumber): Promise<string | null> {
    return this.reader.correctedKsefNumber(clusterId, document);
  }
}
