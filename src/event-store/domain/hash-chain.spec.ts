import fc from 'fast-check';
import { canonicalJson } from '../../shared/canonical-json.js';

/** The definition, written out: keys sorted by code units at every level, no white space. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(reference).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    return (
      '{' +
      Object.keys(value)
        .sort()
        .map((key) => JSON.stringify(key) + ':' + reference((value as Record<string, unknown>)[key]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(value);
}

describe('canonical JSON', () => {
  test('equals its definition for any JSON value, keys in any order (the one-call shortcut included)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  test('sorts keys whatever order they were written in; integer-like keys sort as text', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(canonicalJson({ 9: 'x', 10: 'y' })).toBe('{"10":"y","9":"x"}');
    expect(canonicalJson({ a: undefined, b: new Date('2026-05-01T00:00:00Z') })).toBe('{"b":"2026-05-01T00:00:00.000Z"}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });
});
