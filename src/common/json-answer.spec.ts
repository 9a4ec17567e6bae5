// The cluster month's answer built from a cached tail: byte for byte what JSON.stringify gives.
import fc from 'fast-check';
import { jsonWithTail } from './json-answer.js';

const head = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'members'),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
  { maxKeys: 6 },
);
const tail = fc.array(fc.record({ memberId: fc.string(), importWh: fc.integer(), name: fc.string({ unit: 'grapheme' }) }), { maxLength: 5 });

describe('jsonWithTail', () => {
  test('any head and tail: the bytes are JSON.stringify of the whole answer, the tail last', () => {
    fc.assert(
      fc.property(head, tail, (h, t) => {
        const { bytes } = jsonWithTail(h, 'members', t);
        expect(bytes.toString('utf8')).toBe(JSON.stringify({ ...h, members: t }));
        // asked again for the same tail (served from the cache): the same bytes
        expect(jsonWithTail(h, 'members', t).bytes.equals(bytes)).toBe(true);
      }),
    );
  });

  test('the ETag follows the content: equal answers share it, a changed head or tail changes it', () => {
    const members = [{ memberId: 'm1', importWh: 5 }];
    const { etag } = jsonWithTail({ status: 'provisional', computedAt: 'a' }, 'members', members);
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(jsonWithTail({ status: 'provisional', computedAt: 'a' }, 'members', [{ memberId: 'm1', importWh: 5 }]).etag).toBe(etag);
    expect(jsonWithTail({ status: 'provisional', computedAt: 'b' }, 'members', members).etag).not.toBe(etag);
    expect(jsonWithTail({ status: 'provisional', computedAt: 'a' }, 'members', [{ memberId: 'm1', importWh: 6 }]).etag).not.toBe(etag);
  });

  test('a head that already has the key is refused, not answered with the key twice', () => {
    expect(() => jsonWithTail({ members: [] }, 'members', [])).toThrow(/without members/);
  });
});
