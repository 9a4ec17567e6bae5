// The KSeF side of invoicing's documents, asked through the QueryBus. These queries are
// invoicing's; their handlers are the KSeF module's (src/ksef/queries/document-ksef.query.ts):
// KSeF is downstream of invoicing (it sends invoicing's documents), so the dependency points
// one way, ksef → invoicing, and invoicing shows the KSeF state without importing KSeF.
import { Query } from '@nestjs/cqrs';
import type { InvoiceDocument } from '../domain/documents.js';
import type { DocumentKsefState, KsefPrintMark } from '../domain/ksef-state.js';

/** Each document's KSeF state, by invoice id, from one read of the cluster's KSeF stream. */
export class DocumentKsefStates extends Query<Map<string, DocumentKsefState>> {
  constructor(
    readonly clusterId: string,
    readonly documents: readonly InvoiceDocument[],
  ) {
    super();
  }
}

/** The KSeF number and QR code for the document's PDF (empty until KSeF accepted it). */
export class DocumentKsefPrintMark extends Query<KsefPrintMark> {
  constructor(
    readonly clusterId: string,
    readonly document: InvoiceDocument,
  ) {
    super();
  }
}

/** The KSeF number of the document a correction corrects, once KSeF accepted it (FA(3) NrKSeFFaKorygowanej); null before, and for an original. */
export class CorrectedKsefNumber extends Query<string | null> {
  constructor(
    readonly clusterId: string,
    readonly document: InvoiceDocument,
  ) {
    super();
  }
}
