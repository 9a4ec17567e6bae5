// Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, arrays kept in
// order, undefined members left out (as JSON does). The event hash chain, idempotency
// fingerprints and document digests all print through it, so one value has one text.
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
  const prototype: unknown = Object.getPrototypeOf(value);
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
    // JSON.stringify answers undefined (not a string) for undefined, a function, a symbol
    const printed = JSON.stringify(value) as string | undefined;
    return printed ?? 'null';
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON()); // a Date, as JSON would
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',') + ']';
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k]));
  return '{' + entries.join(',') + '}';
}
