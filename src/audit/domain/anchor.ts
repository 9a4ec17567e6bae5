// An anchor: the stream heads kept at some earlier moment, to compare the log with now.
// Three forms are read: a heads file (`streamId TAB streamPosition TAB hash` a line, as
// `audit:verify -- --heads FILE` and GET /audit/heads write it), an export (NDJSON from
// audit:export or GET /audit/events: the last event of each stream is its head), or the
// JSON verify printed (`headsDigest` and `through`: the digest is recomputed over the
// heads as they stood at `through`, which says whether anything changed but cannot name
// the stream). Pure: lines in, anchor out.
import { DomainError, type FieldError } from '../../shared/domain-error.js';
import { headsDigest, type Head } from './verify-chain.js';

export interface Anchor {
  format: 'heads' | 'export' | 'digest';
  /** Heads by stream (heads and export forms). */
  heads?: Map<string, { position: number; hash: string }>;
  headsDigest: string;
  /** The global position the digest form was computed through. */
  through?: string | null;
}

const HASH = /^[0-9a-f]{64}$/;
const MAX_ERRORS = 100;
const MAX_JSON_CHARS = 1_000_000;

function fail(errors: FieldError[], message = 'The anchor is not a heads file, an export or a verify result'): never {
  throw DomainError.validation(errors.slice(0, MAX_ERRORS), message);
}

/** The lines of a byte stream (UTF-8); a stream's error rejects the iteration. */
export async function* linesOf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    yield* lines;
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

const MAX_STREAMS = 5_000_000;

/** Reads an anchor line by line (a heads file or an export can be large). */
export async function readAnchor(lines: AsyncIterable<string> | Iterable<string>): Promise<Anchor> {
  const heads = new Map<string, { position: number; hash: string }>();
  const errors: FieldError[] = [];
  let format: 'heads' | 'export' | undefined;
  let json: string[] | undefined;
  let jsonChars = 0;
  let n = 0;
  const keep = (line: number, streamId: unknown, position: unknown, hash: unknown) => {
    if (typeof streamId !== 'string' || streamId === '') return errors.push({ line, field: 'streamId', reason: 'must be a stream id' });
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) return errors.push({ line, field: 'streamPosition', reason: 'must be a whole number, 0 or more' });
    if (typeof hash !== 'string' || !HASH.test(hash)) return errors.push({ line, field: 'hash', reason: 'must be 64 lower-case hex digits' });
    const seen = heads.get(streamId);
    if (format === 'heads' && seen) return errors.push({ line, field: 'streamId', reason: `${streamId} is listed twice` });
    if (!seen && heads.size >= MAX_STREAMS) return errors.push({ line, field: 'anchor', reason: `at most ${String(MAX_STREAMS)} streams` });
    if (!seen || position > seen.position) heads.set(streamId, { position, hash });
  };
  for await (const raw of lines) {
    n++;
    const line = raw.replace(/\r$/, '');
    if (json) {
      jsonChars += line.length + 1;
      if (jsonChars > MAX_JSON_CHARS) fail([{ field: 'anchor', reason: `a verify result is at most ${String(MAX_JSON_CHARS)} characters` }]);
      json.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    if (format === undefined) {
      if (line.trimStart().startsWith('{')) {
        let first: unknown;
        try {
          first = JSON.parse(line);
        } catch {
          first = undefined;
        }
        if (first && typeof first === 'object' && 'streamId' in first) format = 'export';
        else {
          json = [line];
          jsonChars = line.length + 1;
          continue;
        }
      } else format = 'heads';
    }
    if (format === 'export') {
      let event: { streamId?: unknown; streamPosition?: unknown; hash?: unknown } | null;
      try {
        event = JSON.parse(line) as { streamId?: unknown; streamPosition?: unknown; hash?: unknown } | null;
      } catch {
        errors.push({ line: n, field: 'line', reason: 'is not JSON (an export has one event a line)' });
        if (errors.length >= MAX_ERRORS) break;
        continue;
      }
      keep(n, event?.streamId, event?.streamPosition, event?.hash);
    } else {
      const parts = line.split('\t');
      const [streamId, position, hash] = parts;
      if (parts.length !== 3 || streamId === undefined || position === undefined || hash === undefined || !/^\d+$/.test(position))
        errors.push({ line: n, field: 'line', reason: 'must be streamId TAB streamPosition TAB hash' });
      else keep(n, streamId, Number(position), hash);
    }
    if (errors.length >= MAX_ERRORS) break;
  }
  if (errors.length) fail(errors);
  if (json) return digestAnchor(json.join('\n'));
  if (!format) fail([{ field: 'anchor', reason: 'is empty' }]);
  return { format, heads, headsDigest: headsDigest([...heads].map(([streamId, h]): Head => ({ streamId, streamPosition: h.position, hash: h.hash }))) };
}

/** The JSON form: what verify printed (headsDigest, through), or { heads: [...] }. */
export function digestAnchor(text: string): Anchor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail([{ field: 'anchor', reason: 'is not JSON, nor a heads file or an export' }]);
  }
  return anchorFromJson(value);
}

export function anchorFromJson(value: unknown): Anchor {
  const v = (value ?? {}) as { headsDigest?: unknown; through?: unknown; heads?: unknown };
  if (typeof v !== 'object' || Array.isArray(v)) fail([{ field: 'anchor', reason: 'must be an object' }]);
  if (Array.isArray(v.heads)) {
    const heads = new Map<string, { position: number; hash: string }>();
    const errors: FieldError[] = [];
    (v.heads as ({ streamId?: unknown; streamPosition?: unknown; hash?: unknown } | null)[]).forEach((h, i) => {
      if (typeof h?.streamId !== 'string' || h.streamId === '') errors.push({ field: `heads[${String(i)}].streamId`, reason: 'must be a stream id' });
      else if (heads.has(h.streamId)) errors.push({ field: `heads[${String(i)}].streamId`, reason: `${h.streamId} is listed twice` });
      if (typeof h?.streamPosition !== 'number' || !Number.isSafeInteger(h.streamPosition) || h.streamPosition < 0)
        errors.push({ field: `heads[${String(i)}].streamPosition`, reason: 'must be a whole number, 0 or more' });
      if (typeof h?.hash !== 'string' || !HASH.test(h.hash)) errors.push({ field: `heads[${String(i)}].hash`, reason: 'must be 64 lower-case hex digits' });
      if (errors.length === 0 && h) heads.set(h.streamId as string, { position: h.streamPosition as number, hash: h.hash as string });
    });
    if (errors.length) fail(errors);
    return { format: 'heads', heads, headsDigest: headsDigest([...heads].map(([streamId, h]) => ({ streamId, streamPosition: h.position, hash: h.hash }))) };
  }
  const errors: FieldError[] = [];
  if (typeof v.headsDigest !== 'string' || !HASH.test(v.headsDigest)) errors.push({ field: 'headsDigest', reason: 'must be 64 lower-case hex digits (or give heads)' });
  if (v.through !== null && (typeof v.through !== 'string' || !/^\d+:\d+$|^\d+\/\d+$/.test(v.through)))
    errors.push({ field: 'through', reason: 'must be the globalPosition verify printed with the digest' });
  if (errors.length) fail(errors);
  return { format: 'digest', headsDigest: v.headsDigest as string, through: v.through as string | null };
}
