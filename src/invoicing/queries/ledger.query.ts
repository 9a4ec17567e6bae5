// The cluster's money ledger: every document's posting, summed per account.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { balances, postingFor } from '../domain/ledger.js';
import { InvoiceDocuments } from './documents.reader.js';

export type LedgerView = { month: string | null } & ReturnType<typeof balances>;

/** One month's documents, or every month's (month undefined). */
export class Ledger extends Query<LedgerView> {
  constructor(
    readonly clusterId: string,
    readonly month?: string,
  ) {
    super();
  }
}

@QueryHandler(Ledger)
export class LedgerHandler implements IQueryHandler<Ledger> {
  constructor(@Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments) {}

  async execute({ clusterId, month }: Ledger): Promise<LedgerView> {
    const documents = (await this.documents.documents(clusterId)).filter((d) => month === undefined || d.month === month);
    return { month: month ?? null, ...balances(documents.map(postingFor)) };
  }
}
