// The tamper-evident chain. Each event's hash is
//   SHA-256( previousHash + "\n" + canonicalJson({ streamId, streamPosition, type, schemaVersion, data, metadata }) )
// in lower-case hex; the first event of a stream has previousHash = 64 zeros.
// canonicalJson: JSON with object keys sorted by UTF-16 code units, no whitespace,
// arrays kept in order; undefined members left out (as JSON does). The README repeats this.
import { hash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  streamId: string;
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
}

export function eventHash(previousHash: string, content: HashedContent): string {
  const body = canonicalJson({
    streamId: content.streamId,
    streamPosition: content.streamPosition,
    type: content.type,
    schemaVersion: content.schemaVersion,
    data: content.data,
    metadata: content.metadata,
  });
  return sha256Hex(previousHash, body);
}

/**
 * The same hash from data and metadata already in canonical JSON (the append computes
 * them once, stores them, and hashes them without serialising again). The body's keys
 * are in canonical (sorted) order: data, metadata, schemaVersion, streamId, streamPosition, type.
 */
export function eventHashOfCanonical(previousHash: string, streamId: string, streamPosition: number, type: string, schemaVersion: number, dataJson: string, metadataJson: string): string {
  const body = `{"data":${dataJson},"metadata":${metadataJson},"schemaVersion":${String(schemaVersion)},"streamId":${JSON.stringify(streamId)},"streamPosition":${String(streamPosition)},"type":${JSON.stringify(type)}}`;
  return sha256Hex(previousHash, body);
}

/** SHA-256 of the previous hash, a newline and the body: one call (a Hash object an event cost more than the hash). */
function sha256Hex(previousHash: string, body: string): string {
  return hash('sha256', `${previousHash}\n${body}`, 'hex');
}
