// A member's month in documents against its statements: closed, and as the data stands now.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../shared/domain-error.js';
import { memberMonthDocuments } from '../domain/documents.js';
import { InvoiceDocuments } from './documents.reader.js';
import { MonthInputsReader } from './month-inputs.reader.js';

export interface MemberMonthDocuments {
  clusterId: string;
  month: string;
  memberId: string;
  documents: ReturnType<typeof memberMonthDocuments>['items'];
  amountDueGrosze: number;
  closedStatementAmountGrosze: number | null;
  currentStatementAmountGrosze: number | null;
  pendingCorrectionGrosze: number | null;
}

export class MemberDocuments extends Query<MemberMonthDocuments> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly memberId: string,
  ) {
    super();
  }
}

@QueryHandler(MemberDocuments)
export class MemberDocumentsHandler implements IQueryHandler<MemberDocuments> {
  constructor(
    @Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments,
    @Inject(MonthInputsReader) private readonly inputs: MonthInputsReader,
  ) {}

  async execute({ clusterId, month, memberId }: MemberDocuments): Promise<MemberMonthDocuments> {
    const state = await this.inputs.registry(clusterId);
    if (!state.members[memberId]) throw DomainError.notFound('The member was not found');
    const { items, amountDueGrosze } = memberMonthDocuments(await this.documents.documents(clusterId), memberId, month);
    const closed = (await this.inputs.closedStatements(clusterId, month))?.find((s) => s.memberId === memberId) ?? null;
    const current = items.length === 0 ? null : ((await this.inputs.currentStatements(clusterId, month)).find((s) => s.memberId === memberId) ?? null);
    return {
      clusterId,
      month,
      memberId,
      documents: items,
      amountDueGrosze,
      closedStatementAmountGrosze: closed?.netAmountGrosze ?? null,
      currentStatementAmountGrosze: current?.netAmountGrosze ?? null,
      // what corrections still have to move: the data now against the documents issued
      pendingCorrectionGrosze: current ? current.netAmountGrosze - amountDueGrosze : null,
    };
  }
}
