// Issuing a closed month's documents, and corrections after late data, through the CommandBus.
// Each handler gathers what the decider needs (the closed month, the registry, the agreement,
// the statements as they are now, the clock) and decides on this year's invoicing stream
// (InvoicingCommandMessage): a month's set is one append with the expected version, so
// numbers stay gapless and a repeated request returns the same set.
import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { isoDateOf, monthBounds, ZONE } from '../../shared/calendar.js';
import { DomainError } from '../../shared/domain-error.js';
import type { InvoiceDocument, InvoicingCommand, IssueInput } from '../domain/documents.js';
import { InvoiceDocuments, warsawToday } from '../queries/documents.reader.js';
import { type MonthInputs, MonthInputsReader } from '../queries/month-inputs.reader.js';
import { InvoicingCommandMessage } from './invoicing-command.js';

export interface IssuedDocuments {
  month: string;
  issued: boolean;
  documents: InvoiceDocument[];
}

/** The month's documents: issued now, or (issued: false) those issued before. */
export class IssueMonthDocuments extends Command<IssuedDocuments> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
  ) {
    super();
  }
}

/** Corrections for what changed since the latest documents (none when nothing did). */
export class IssueCorrectionDocuments extends Command<IssuedDocuments> {
  constructor(
    readonly clusterId: string,
    readonly month: string,
    readonly reason: string,
  ) {
    super();
  }
}

/** The last day of the month in Warsaw: the documents' sale date. */
const saleDateOf = (month: string): string => isoDateOf(DateTime.fromJSDate(new Date(monthBounds(month).end.getTime() - 1), { zone: ZONE }));

function issueInput(clusterId: string, month: string, { state, agreement }: MonthInputs, statements: IssueInput['statements'], instant: Date): IssueInput {
  if (!state.profile) throw DomainError.conflict('the cluster has no profile');
  return {
    clusterId,
    month,
    issueDate: warsawToday(instant),
    issuedAt: instant.toISOString(),
    saleDate: saleDateOf(month),
    cluster: state.profile,
    members: state.members,
    agreement,
    statements,
    newId: randomUUID,
  };
}

/** Decides on this year's stream: what was issued, or (nothing new) what `existing` finds there. */
async function decide(commandBus: CommandBus, documents: InvoiceDocuments, clusterId: string, command: InvoicingCommand, existing: (documents: InvoiceDocument[]) => InvoiceDocument[]) {
  const year = warsawToday().slice(0, 4);
  const result = await commandBus.execute(new InvoicingCommandMessage(clusterId, year, command));
  if (result.events.length > 0) return { documents: result.events.flatMap((e) => e.data.documents), issued: true };
  return { documents: existing((await documents.year(clusterId, year)).documents), issued: false };
}

@CommandHandler(IssueMonthDocuments)
export class IssueMonthDocumentsHandler implements ICommandHandler<IssueMonthDocuments> {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments,
    @Inject(MonthInputsReader) private readonly inputs: MonthInputsReader,
  ) {}

  async execute({ clusterId, month }: IssueMonthDocuments): Promise<IssuedDocuments> {
    const inputs = await this.inputs.closedMonth(clusterId, month);
    const ofMonth = (documents: InvoiceDocument[]) => documents.filter((d) => d.month === month && d.kind !== 'correction');
    const earlier = ofMonth(await this.documents.documents(clusterId));
    if (earlier.length > 0) return { month, issued: false, documents: earlier };
    const input = issueInput(clusterId, month, inputs, inputs.closed.statements, new Date());
    const result = await decide(this.commandBus, this.documents, clusterId, { type: 'IssueMonth', input }, ofMonth);
    return { month, ...result };
  }
}

@CommandHandler(IssueCorrectionDocuments)
export class IssueCorrectionDocumentsHandler implements ICommandHandler<IssueCorrectionDocuments> {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(InvoiceDocuments) private readonly documents: InvoiceDocuments,
    @Inject(MonthInputsReader) private readonly inputs: MonthInputsReader,
  ) {}

  async execute({ clusterId, month, reason }: IssueCorrectionDocuments): Promise<IssuedDocuments> {
    const inputs = await this.inputs.closedMonth(clusterId, month);
    const now = await this.inputs.currentStatements(clusterId, month);
    const input = issueInput(clusterId, month, inputs, now, new Date());
    // a month's documents may sit in last year's stream (December's, corrected in January)
    const lastYear = String(Number(input.issueDate.slice(0, 4)) - 1);
    const earlier = (await this.documents.year(clusterId, lastYear)).documents.filter((d) => d.month === month);
    const result = await decide(this.commandBus, this.documents, clusterId, { type: 'IssueCorrections', input, reason, earlier }, () => []);
    return { month, issued: result.issued, documents: result.documents };
  }
}
