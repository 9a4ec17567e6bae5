// How meter_days stores a day's Wh per interval: 4 bytes a value, a signed 32-bit integer
// in network byte order (PostgreSQL's int4send), -1 where no value was recorded. A value
// never passes MAX_WH_PER_VALUE (250,000,000 < 2^31 - 1) and is never negative, so the
// encoding is exact and -1 is free. Why bytes and not bigint[]: reading a month of 10,000
// PPE as bigint[] text made PostgreSQL print and Node parse 60 million numbers; bytes are
// copied as they are (ADR 0009). Pure.
import { MAX_WH_PER_VALUE } from './limits.js';
import { isWh, NO_WH } from './meter-day-values.js';

/** The bytes of one direction's values (null: no value for that interval). */
export function packWh(values: readonly (number | null | undefined)[]): Buffer {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const wh = values[i] ?? null;
    if (wh !== null && !isWh(wh)) throw new Error(`meter_days: ${String(wh)} Wh is not a whole number from 0 to ${String(MAX_WH_PER_VALUE)}`);
    bytes.writeInt32BE(wh ?? NO_WH, i * 4);
  }
  return bytes;
}

/** The values held in bytes [from, to) of a buffer (a whole bytea, or its place in a COPY row). */
export function unpackWh(bytes: Buffer, from = 0, to = bytes.length): (number | null)[] {
  if ((to - from) % 4 !== 0) throw new Error(`meter_days: ${String(to - from)} bytes are not whole 4-byte values`);
  const values: (number | null)[] = [];
  for (let at = from; at < to; at += 4) {
    const wh = bytes.readInt32BE(at);
    checkStored(wh);
    values.push(wh === NO_WH ? null : wh);
  }
  return values;
}

/** A bytea in COPY's text format: \x and hex digits, the backslash escaped. */
export function packedWhCopyText(values: readonly (number | null | undefined)[]): string {
  return '\\\\x' + packWh(values).toString('hex');
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Packed values of many days copied into one Int32Array, each day a view of it: a page of
 * the settlement's read makes one buffer, not two arrays a row. The bytes are copied as
 * they are; seal() turns them to the host's byte order and checks every value's range in
 * one pass, and only then may the views be read.
 */
export class PackedWhPage {
  private readonly values: Int32Array;
  private readonly bytes: Buffer;
  private used = 0;
  private sealed = false;

  constructor(capacityValues: number) {
    this.values = new Int32Array(capacityValues);
    this.bytes = Buffer.from(this.values.buffer, this.values.byteOffset, this.values.byteLength);
  }

  /** Room for this many more values. */
  fits(valueCount: number): boolean {
    return this.used + valueCount <= this.values.length;
  }

  /** The values held in bytes [from, to) of a buffer, as a view to be read after seal(). */
  take(bytes: Buffer, from: number, to: number): Int32Array {
    if (this.sealed) throw new Error('meter_days: a sealed page takes no more values');
    if ((to - from) % 4 !== 0) throw new Error(`meter_days: ${String(to - from)} bytes are not whole 4-byte values`);
    const count = (to - from) / 4;
    if (!this.fits(count)) throw new Error('meter_days: a page of values is full');
    bytes.copy(this.bytes, this.used * 4, from, to);
    const view = this.values.subarray(this.used, this.used + count);
    this.used += count;
    return view;
  }

  /** The values in the host's byte order, every one checked: -1 (none) or 0 to MAX_WH_PER_VALUE. */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    if (HOST_IS_LITTLE_ENDIAN) this.bytes.subarray(0, this.used * 4).swap32();
    const values = this.values;
    for (let i = 0; i < this.used; i++) {
      const wh = values[i] ?? NO_WH;
      checkStored(wh);
    }
  }
}

/** A value read from meter_days: NO_WH or 0 to MAX_WH_PER_VALUE (anything else is a corrupt row, never a number to settle). */
function checkStored(wh: number): void {
  if (wh !== NO_WH && !isWh(wh)) throw new Error(`meter_days: a stored value of ${String(wh)} Wh is out of range`);
}
