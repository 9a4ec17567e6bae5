// One line of the audit export (GET /audit/events, audit:export, the portal's download).
import type { ChainedEvent } from './verify-chain.js';

/** The event as an export carries it: its position, content and hashes (what the verifier reads). */
export type ExportedEvent = ChainedEvent;

/** The export line of docs/API.md: the event with its position and hashes. */
export function exportLine(event: ExportedEvent): string {
  const { globalPosition, streamId, streamPosition, type, schemaVersion, data, metadata, previousHash, hash } = event;
  return JSON.stringify({ globalPosition, streamId, streamPosition, type, schemaVersion, data, metadata, previousHash, hash }) + '\n';
}
