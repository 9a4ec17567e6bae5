// Issuing a closed month's documents and their corrections through the CommandBus, on this
// year's invoicing-{cluster}-{year} stream. An e-invoice exists only once it validates: the
// handler renders every FA(3) document the decider decided and checks it against the
// official schema before anything is recorded (422 naming the element and the reason).
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PlainStreamCommand, PlainStreamCommandHandler } from '../../command-path/stream-command.js';
import { problem, ProblemException } from '../../common/problem.js';
import { fa3Schema } from '../../common/xml-schema.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import { type InvoiceDocument, type InvoicingCommand, invoicingDecider, type InvoicingEvent, type InvoicingState, invoicingStreamId } from '../domain/documents.js';
import { isFa3Document, renderFa3 } from '../domain/fa3/render.js';

export class InvoicingCommandMessage extends PlainStreamCommand<InvoicingCommand, InvoicingEvent> {
  constructor(clusterId: string, year: string, command: InvoicingCommand) {
    super(invoicingStreamId(clusterId, year), command);
  }
}

@CommandHandler(InvoicingCommandMessage)
export class InvoicingCommandHandler extends PlainStreamCommandHandler<InvoicingCommandMessage, InvoicingCommand, InvoicingEvent, InvoicingState> implements ICommandHandler<InvoicingCommandMessage> {
  protected readonly decider = invoicingDecider;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(ProjectionRunner) runner: ProjectionRunner) {
    super(store, runner);
  }

  protected override beforeAppend(events: InvoicingEvent[]): void {
    assertValidFa3(events.flatMap((e) => e.data.documents));
  }
}

/** Renders and validates every FA(3) document of a set; the first that fails answers 422 with the schema's findings. */
export function assertValidFa3(documents: InvoiceDocument[]): void {
  for (const document of documents.filter(isFa3Document)) {
    let xml: string;
    try {
      xml = renderFa3(document, { correctedKsefNumber: null });
    } catch (error) {
      throw new ProblemException(problem(422, `${document.number} could not be written as FA(3): ${error instanceof Error ? error.message : String(error)}`));
    }
    const result = fa3Schema().validate(xml);
    if (!result.valid) {
      const errors = result.errors.map((e) => ({ field: e.element ?? 'Faktura', reason: e.reason, line: e.line, document: document.number }));
      throw new ProblemException(
        problem(
          422,
          `${document.number} (${document.kind}, member ${document.memberId}) would not be a valid FA(3) e-invoice, so nothing was issued: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
          errors,
        ),
      );
    }
  }
}
