// What people read of KSeF: the connection (never the token), each document's state, the UPO.
import { Inject, Injectable } from '@nestjs/common';
import { loadStream } from '../../event-store/command-handling.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import type { InvoiceDocument } from '../../invoicing/domain/documents.js';
import { isFa3Document } from '../../invoicing/domain/fa3/render.js';
import { type KsefPdfMark, ksefMarkOf } from '../domain/pdf-mark.js';
import { ksefDecider, type KsefState, ksefStreamId, type KsefView, viewOf } from '../domain/outbox.js';

@Injectable()
export class KsefReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(clusterId: string): Promise<KsefState> {
    return (await loadStream(this.store, ksefStreamId(clusterId), ksefDecider)).state;
  }

  /** A function giving each document's KSeF state, from one read of the stream. */
  async views(clusterId: string): Promise<(document: InvoiceDocument) => KsefView> {
    const state = await this.state(clusterId);
    return (document) => viewOf(state, document.invoiceId, isFa3Document(document));
  }

  /** The KSeF number and KOD I for the PDF of an accepted document, else null. */
  async pdfMark(clusterId: string, document: InvoiceDocument): Promise<KsefPdfMark | null> {
    return ksefMarkOf(await this.state(clusterId), document.invoiceId, document.seller.nip, document.issueDate);
  }

  /** What the PDF's KSeF box shows: nothing until KSeF accepted the document. */
  async pdfOptions(clusterId: string, document: InvoiceDocument): Promise<{ ksefNumber?: string; qrCodePng?: Buffer }> {
    const mark = await this.pdfMark(clusterId, document);
    return mark ? { ksefNumber: mark.ksefNumber, qrCodePng: mark.png } : {};
  }

  /** The KSeF number of the document a correction corrects, once KSeF accepted it (NrKSeFFaKorygowanej). */
  async correctedKsefNumber(clusterId: string, document: InvoiceDocument): Promise<string | null> {
    if (!document.correctedInvoiceId) return null;
    return (await this.state(clusterId)).documents[document.correctedInvoiceId]?.ksefNumber ?? null;
  }

  async upo(clusterId: string, invoiceId: string): Promise<string | null> {
    const events = await this.store.readStream(ksefStreamId(clusterId));
    const found = events.filter((e) => e.type === 'KsefUpoReceived' && (e.data as { invoiceId: string }).invoiceId === invoiceId).pop();
    return found ? (found.data as { upo: string }).upo : null;
  }

  /** The connection as shown: environment, NIP, dates; the token never. */
  static connectionView(state: KsefState) {
    const c = state.connection;
    return c ? { connected: true, environment: c.environment, contextNip: c.contextNip, connectedAt: c.connectedAt, tokenRotatedAt: c.tokenRotatedAt } : { connected: false };
  }
}
