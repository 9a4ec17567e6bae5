// The legal parameters: the shipped defaults evolved by the events of their one
// service-wide stream (a small stream, read whole), up to a point when a calculation
// needs them as they were.
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { defaultLegalParameters, evolveLegalParameters, LEGAL_PARAMETERS_STREAM, type LegalParametersEvent, type LegalParametersState } from '../domain/legal-parameters.js';

/** The parameters recorded up to a point (the defaults before any event); the events read are pushed to `inputs`. */
export async function readLegalParameters(store: EventStore, upTo: (event: RecordedEvent) => boolean = () => true, inputs?: RecordedEvent[]): Promise<LegalParametersState> {
  const events = (await store.readStream(LEGAL_PARAMETERS_STREAM)).filter(upTo);
  inputs?.push(...events);
  return legalParametersOf(events);
}

/** The parameters the stream's events give (read by the caller). */
export function legalParametersOf(events: readonly RecordedEvent[]): LegalParametersState {
  return events.reduce<LegalParametersState>((s, e) => evolveLegalParameters(s, { type: e.type, data: e.data } as unknown as LegalParametersEvent), defaultLegalParameters());
}

/** The parameters as now recorded. */
export class GetLegalParameters extends Query<LegalParametersState> {}

@QueryHandler(GetLegalParameters)
export class GetLegalParametersHandler implements IQueryHandler<GetLegalParameters> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(): Promise<LegalParametersState> {
    return readLegalParameters(this.store);
  }
}
