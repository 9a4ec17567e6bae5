// A large JSON answer whose last field is the same value for many requests (the cluster
// month's statements: 354 KB for 419 members, asked hundreds of times on the first day of a
// month) is serialized once per identity of that value and sent as bytes; only the small
// head (status, totals, the trailing year) is serialized per request. Serializing and
// hashing the whole answer each time was most of the cluster month GET's cost.
import { createHash } from 'node:crypto';
import type { Response } from 'express';

interface Serialized {
  bytes: Buffer;
  /** sha1 of the bytes, for the answer's ETag without hashing them again. */
  digest: string;
}

// keyed by the value itself: an entry lives as long as whoever keeps the value (a stored
// month's frozen statements, a close), so a changed month is never answered from here
const serialized = new WeakMap<object, Serialized>();

function serializedOf(value: object): Serialized {
  let known = serialized.get(value);
  if (!known) {
    const bytes = Buffer.from(JSON.stringify(value));
    known = { bytes, digest: createHash('sha1').update(bytes).digest('base64url') };
    serialized.set(value, known);
  }
  return known;
}

/** The JSON text of `{ ...head, [key]: tail }` as bytes, the tail's from the cache: what JSON.stringify would give. */
export function jsonWithTail(head: Record<string, unknown>, key: string, tail: object): { bytes: Buffer; etag: string } {
  const headJson = JSON.stringify(head);
  if (!headJson.endsWith('}') || key in head) throw new Error(`the head of a JSON answer must be an object without ${key}`);
  const { bytes, digest } = serializedOf(tail);
  const open = Buffer.from(`${headJson.length > 2 ? headJson.slice(0, -1) + ',' : '{'}${JSON.stringify(key)}:`);
  // weak: equal content, not byte ranges; from the content, so every process gives the same tag
  const etag = `W/"${createHash('sha1').update(open).update(digest).digest('base64url')}"`;
  return { bytes: Buffer.concat([open, bytes, Buffer.from('}')]), etag };
}

/** Sends `{ ...head, [key]: tail }` as res.json would (same bytes, type and freshness check), serializing the tail once. */
export function sendJsonWithTail(res: Response, head: Record<string, unknown>, key: string, tail: object): void {
  const { bytes, etag } = jsonWithTail(head, key, tail);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('ETag', etag);
  res.send(bytes);
}
