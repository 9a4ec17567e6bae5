// What every adapter does before it writes an append: the events in canonical JSON, once
// (it is what is stored, and what the chain hashes), then each one chained to the one
// before it from the stream's head: its position, previousHash and hash
// (domain/hash-chain.ts). PostgreSQL's append and appendMany and KurrentDB's append all
// prepare through here, so the chain is computed one way whatever the store.
import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.js';
import { eventHashOfCanonical } from './domain/hash-chain.js';
import type { NewEvent } from './event-store.port.js';
import { eventMetadata } from './metadata.js';

export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

export interface ChainedEvent extends PreparedEvent {
  streamPosition: number;
  previousHash: string;
  hash: string;
}

/** A stream's last event (position -1 and the genesis hash for a stream not yet written). */
export interface ChainHead {
  position: number;
  hash: string;
}

/** The metadata of the events that bring none: one batch shares one actor, correlation id and time. */
export function batchMetadataJson(now: string): string {
  return canonicalJson(eventMetadata(undefined, now));
}

/** The events in canonical JSON; an event's own metadata is completed, the others take the batch's. */
export function prepareEvents(events: readonly NewEvent[], now: string, batchMetadata = batchMetadataJson(now)): PreparedEvent[] {
  return events.map((event) => ({
    eventId: event.eventId ?? randomUUID(),
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    dataJson: canonicalJson(event.data),
    metadataJson: event.metadata ? canonicalJson(eventMetadata(event.metadata, now)) : batchMetadata,
  }));
}

/** The prepared events after the head, each at the next position and hashed on the one before it. */
export function chainEvents(streamId: string, prepared: readonly PreparedEvent[], head: ChainHead): ChainedEvent[] {
  let position = head.position;
  let previousHash = head.hash;
  return prepared.map((event) => {
    position += 1;
    const hash = eventHashOfCanonical(previousHash, streamId, position, event.type, event.schemaVersion, event.dataJson, event.metadataJson);
    // each field named: a spread of the prepared event was a third of an append's own time
    const chained: ChainedEvent = {
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      dataJson: event.dataJson,
      metadataJson: event.metadataJson,
      streamPosition: position,
      previousHash,
      hash,
    };
    previousHash = hash;
    return chained;
  });
}
