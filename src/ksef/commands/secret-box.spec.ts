import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

test('a sealed token opens with the key for its cluster only, and its text is not in the sealed form', () => {
  const box = new SecretBox(randomBytes(32));
  const plain = '20260601-EC-0123456789-ABCDEF0123-45|nip-5261040828|0123456789abcdef';
  const sealed = box.seal('cluster-a', plain);
  expect(JSON.stringify(sealed)).not.toContain('5261040828');
  expect(box.open('cluster-a', sealed)).toBe(plain);
  expect(() => box.open('cluster-b', sealed)).toThrow();
  expect(() => new SecretBox(randomBytes(32)).open('cluster-a', sealed)).toThrow();
  expect(box.seal('cluster-a', plain).ciphertext).not.toBe(sealed.ciphertext); // a fresh IV each time
});

test('without a key, sealing is refused with a message that names KSEF_SECRET_KEY', () => {
  expect(() => new SecretBox(null).seal('c', 'token')).toThrow(/KSEF_SECRET_KEY/);
});
