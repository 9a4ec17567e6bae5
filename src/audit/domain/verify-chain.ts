// Recomputes every stream's hash chain from the ordered log, and the digest over every
// stream's head. Memory holds one hash per stream, not the events: the log is read page
// by page. Compared with heads kept earlier (an anchor), it names every stream whose
// history changed since: a chain recomputed by someone who can write the database is
// intact on its own, but its head no longer matches what was kept.
import { createHash } from 'node:crypto';
import { eventHash, GENESIS_HASH, type HashedContent } from '../../event-store/domain/hash-chain.js';

/** What the verifier reads of a recorded event: the hashed content, its place and its hashes. */
export interface ChainedEvent extends HashedContent {
  globalPosition: string;
  previousHash: string;
  hash: string;
}

export interface Head {
  streamId: string;
  streamPosition: number;
  hash: string;
}

/** One line of the heads file and of the digest: `streamId TAB streamPosition TAB hash LF`. */
export function headLine(head: Head): string {
  return `${head.streamId}\t${String(head.streamPosition)}\t${head.hash}\n`;
}

/** Heads sorted by stream id (UTF-16 code units), as the digest takes them. */
export function sortHeads(heads: Iterable<Head>): Head[] {
  return [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
}

/** SHA-256 (hex) over the sorted heads' lines: the heads file's own SHA-256. */
export function headsDigest(heads: Iterable<Head>): string {
  const hash = createHash('sha256');
  for (const head of sortHeads(heads)) hash.update(headLine(head));
  return hash.digest('hex');
}

export type ChangeReason = 'rewritten' | 'shorter' | 'missing';

export interface ChangedStream {
  streamId: string;
  reason: ChangeReason;
  /** The head kept in the anchor. */
  keptPosition: number;
  keptHash: string;
  /** What the log holds now: the hash at the kept position (rewritten) or the head (shorter). */
  foundPosition: number | null;
  foundHash: string | null;
}

export interface AnchorComparison {
  format: 'heads' | 'export';
  /** True when no stream of the anchor lost or changed an event. */
  historyIntact: boolean;
  keptDigest: string;
  /** Streams of the anchor compared (those in scope). */
  streams: number;
  unchanged: number;
  /** Streams with events after the kept head: growth, not tampering. */
  grown: number;
  /** Streams the anchor does not know: new since. */
  added: number;
  changed: ChangedStream[];
}

/** A kept digest alone: the heads as they stood at `through`, digested again. */
export interface DigestComparison {
  format: 'digest';
  historyIntact: boolean;
  keptDigest: string;
  through: string | null;
  digestAtThrough: string;
}

export interface VerifyAnchor {
  format: 'heads' | 'export' | 'digest';
  heads?: Map<string, { position: number; hash: string }>;
  headsDigest: string;
  through?: string | null;
}

export interface BrokenLink {
  streamId: string;
  streamPosition: number;
  expectedHash: string;
  foundHash: string;
  reason: string;
}

export class ChainVerifier {
  private readonly heads = new Map<string, { position: number; hash: string }>();
  private readonly broken = new Map<string, BrokenLink>();
  /** The hash found at each anchored stream's kept position. */
  private readonly atAnchor = new Map<string, string>();
  events = 0;
  through: string | null = null;

  /** The heads as they stood at a digest anchor's `through`. */
  private readonly headsThen = new Map<string, { position: number; hash: string }>();

  /**
   * anchor: heads kept earlier (only streams in scope), or a digest with the position it
   * was computed through; isAtOrAfter is the store's order of positions.
   */
  constructor(
    private readonly anchor?: VerifyAnchor,
    private readonly isAtOrAfter?: (a: string | null, b: string | null) => boolean,
  ) {
    if (anchor?.format === 'digest' && !isAtOrAfter) throw new Error('a digest anchor needs the order of positions');
  }

  add(event: ChainedEvent): void {
    this.events++;
    this.through = event.globalPosition;
    const kept = this.anchor?.heads?.get(event.streamId);
    if (kept && kept.position === event.streamPosition) this.atAnchor.set(event.streamId, event.hash);
    if (this.anchor?.format === 'digest' && this.anchor.through && this.isAtOrAfter?.(this.anchor.through, event.globalPosition)) {
      this.headsThen.set(event.streamId, { position: event.streamPosition, hash: event.hash });
    }
    const head = this.heads.get(event.streamId);
    // the stream's head is its last event, broken or not (the digest is over what is stored)
    this.heads.set(event.streamId, { position: event.streamPosition, hash: event.hash });
    if (this.broken.has(event.streamId)) return; // the first broken link per stream is what matters
    const expectedPosition = head ? head.position + 1 : 0;
    const expectedPrevious = head ? head.hash : GENESIS_HASH;
    const recomputed = eventHash(event.previousHash, event);
    const fail = (reason: string, expectedHash: string, foundHash: string) =>
      this.broken.set(event.streamId, { streamId: event.streamId, streamPosition: event.streamPosition, expectedHash, foundHash, reason });
    if (event.streamPosition !== expectedPosition)
      fail(`position ${String(event.streamPosition)} where ${String(expectedPosition)} was expected (an event is missing)`, expectedPrevious, event.previousHash);
    else if (event.previousHash !== expectedPrevious) fail('previousHash does not match the hash of the event before it', expectedPrevious, event.previousHash);
    else if (recomputed !== event.hash) fail('the event content does not match its hash', recomputed, event.hash);
  }

  /** Every stream's last event. */
  currentHeads(): Head[] {
    return sortHeads([...this.heads].map(([streamId, h]) => ({ streamId, streamPosition: h.position, hash: h.hash })));
  }

  private compare(anchor: VerifyAnchor): AnchorComparison | DigestComparison {
    if (anchor.format === 'digest') {
      const digestAtThrough = headsDigest([...this.headsThen].map(([streamId, h]) => ({ streamId, streamPosition: h.position, hash: h.hash })));
      return { format: 'digest', historyIntact: digestAtThrough === anchor.headsDigest, keptDigest: anchor.headsDigest, through: anchor.through ?? null, digestAtThrough };
    }
    return this.compareHeads(anchor.format, anchor.headsDigest, anchor.heads ?? new Map<string, { position: number; hash: string }>());
  }

  private compareHeads(format: 'heads' | 'export', keptDigest: string, anchor: Map<string, { position: number; hash: string }>): AnchorComparison {
    const changed: ChangedStream[] = [];
    let unchanged = 0;
    let grown = 0;
    for (const [streamId, kept] of anchor) {
      const head = this.heads.get(streamId);
      const base = { streamId, keptPosition: kept.position, keptHash: kept.hash };
      if (!head) changed.push({ ...base, reason: 'missing', foundPosition: null, foundHash: null });
      else if (head.position < kept.position) changed.push({ ...base, reason: 'shorter', foundPosition: head.position, foundHash: head.hash });
      else if (this.atAnchor.get(streamId) !== kept.hash) changed.push({ ...base, reason: 'rewritten', foundPosition: kept.position, foundHash: this.atAnchor.get(streamId) ?? null });
      else if (head.position > kept.position) grown++;
      else unchanged++;
    }
    const added = [...this.heads.keys()].filter((id) => !anchor.has(id)).length;
    return { format, historyIntact: changed.length === 0, keptDigest, streams: anchor.size, unchanged, grown, added, changed: changed.sort((a, b) => (a.streamId < b.streamId ? -1 : 1)) };
  }

  result() {
    const broken = [...this.broken.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const summary = { streams: this.heads.size, events: this.events, headsDigest: headsDigest(this.currentHeads()), through: this.through };
    const against = this.anchor ? { against: this.compare(this.anchor) } : {};
    return broken.length === 0 ? { intact: true as const, ...summary, ...against } : { intact: false as const, ...summary, broken, ...against };
  }
}
