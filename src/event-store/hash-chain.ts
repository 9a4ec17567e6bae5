// The tamper-evident chain. Each event's hash is
//   SHA-256( previousHash + "\n" + canonicalJson({ streamId, streamPosition, type, schemaVersion, data, metadata }) )
// in lower-case hex; the first event of a stream has previousHash = 64 zeros.
// canonicalJson: JSON with object keys sorted by UTF-16 code units, no whitespace,
// arrays kept in order; undefined members left out (as JSON does). The README repeats this.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * True when JSON.stringify already prints the value canonically: plain data, finite
 * numbers, no undefined, every object's keys in canonical order (events built so print
 * with one native call).
 */
function printsCanonically(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!printsCanonically(item)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false; // a Date, a class: toJSON and friends
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    if (previous !== undefined && !(previous < key)) return false;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || !printsCanonically(item)) return false;
    previous = key;
  }
  return true;
}

export function canonicalJson(value: unknown): string {
  if (printsCanonically(value)) return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in event');
    return JSON.stringify(value) ?? 'null';
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON()); // a Date, as JSON would
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',') + ']';
  const entries = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k]));
  return '{' + entries.join(',') + '}';
}

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
  return createHash('sha256').update(previousHash).update('\n').update(body).digest('hex');
}

/**
 * The same hash from data and metadata already in canonical JSON (the append computes
 * them once, stores them, and hashes them without serialising again). The body's keys
 * are in canonical (sorted) order: data, metadata, schemaVersion, streamId, streamPosition, type.
 */
export function eventHashOfCanonical(previousHash: string, streamId: string, streamPosition: number, type: string, schemaVersion: number, dataJson: string, metadataJson: string): string {
  const body = `{"data":${dataJson},"metadata":${metadataJson},"schemaVersion":${schemaVersion},"streamId":${JSON.stringify(streamId)},"streamPosition":${streamPosition},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(previousHash).update('\n').update(body).digest('hex');
}
