// The issued documents: the invoicing-{cluster}-{year} streams folded (invoicing keeps no
// table of its own). The one place invoicing's documents are read; exported for the KSeF
// module (it sends them) and read by the query handlers here.
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { loadStream } from '../../event-store/command-handling.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { isoDateOf, ZONE } from '../../shared/calendar.js';
import { type InvoiceDocument, invoicingDecider, type InvoicingState, invoicingStreamId } from '../domain/documents.js';

/** Today in Warsaw (YYYY-MM-DD): the issue date, and whose year's stream is written. */
export const warsawToday = (now = new Date()): string => isoDateOf(DateTime.fromJSDate(now, { zone: ZONE }));

@Injectable()
export class InvoiceDocuments {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** One year's stream folded. */
  async year(clusterId: string, year: string): Promise<InvoicingState> {
    return (await loadStream(this.store, invoicingStreamId(clusterId, year), invoicingDecider)).state;
  }

  /** Every document of the cluster, from last and this year's streams. */
  async documents(clusterId: string, now = new Date()): Promise<InvoiceDocument[]> {
    const year = Number(warsawToday(now).slice(0, 4));
    const result: InvoiceDocument[] = [];
    for (const y of [year - 1, year]) result.push(...(await this.year(clusterId, String(y))).documents);
    return result;
  }

  /** A document by its id or its number. */
  async find(clusterId: string, idOrNumber: string): Promise<InvoiceDocument | undefined> {
    return (await this.documents(clusterId)).find((d) => d.invoiceId === idOrNumber || d.number === idOrNumber);
  }
}
