// The tokens a process keeps between requests, against a real PostgreSQL: trusted only while
// it listens, dropped when the table's trigger reports a change, and never kept from a read
// that a change overtook.
import { TokenCache } from '../../src/auth/queries/token-cache.js';
import type { TokenRecord } from '../../src/auth/queries/tokens.js';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
let cache: TokenCache<TokenRecord>;
beforeAll(async () => {
  t = await startTestService();
  cache = new TokenCache<TokenRecord>(t.service.database.pool);
});
afterAll(async () => {
  await cache.close();
  await t.stop();
});

const record: TokenRecord = { tokenId: 'x', role: 'admin', clusterId: null, memberId: null, label: 'kept', expiresAt: null, revokedAt: null, createdAt: '2026-01-01T00:00:00.000Z' };

/** Asks until the cache listens (bounded: 100 tries 20 ms apart); what it then gives for `hash`. */
async function listening(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    cache.keep('probe', record, cache.readStartedAt);
    if (cache.get('probe')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the token cache never listened');
}

async function until(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  return done();
}

test('nothing is served before it listens; once listening a kept token is served', async () => {
  const fresh = new TokenCache<TokenRecord>(t.service.database.pool);
  fresh.keep('h1', record, fresh.readStartedAt);
  expect(fresh.get('h1')).toBeUndefined();
  await fresh.close();
  await listening();
  cache.keep('h1', record, cache.readStartedAt);
  expect(cache.get('h1')).toEqual(record);
});

test("a change notified by another connection drops that token alone, and '' drops all", async () => {
  await listening();
  cache.keep('h2', record, cache.readStartedAt);
  cache.keep('h3', record, cache.readStartedAt);
  await t.service.database.pool.query("SELECT pg_notify('access_tokens_changed', 'h2')");
  expect(await until(() => cache.get('h2') === undefined)).toBe(true);
  expect(cache.get('h3')).toEqual(record);
  await t.service.database.pool.query("SELECT pg_notify('access_tokens_changed', '')");
  expect(await until(() => cache.get('h3') === undefined)).toBe(true);
});

test('a read overtaken by a change is not kept', async () => {
  await listening();
  const startedAt = cache.readStartedAt;
  cache.forget('h4'); // a revoke heard while the row was being read
  cache.keep('h4', record, startedAt);
  expect(cache.get('h4')).toBeUndefined();
});

test("the table's trigger notifies an UPDATE and a DELETE of a token row", async () => {
  await listening();
  const issued = await t.service.app.get((await import('../../src/auth/queries/tokens.js')).TokenRepository).issue({ role: 'admin', label: 'to change' });
  const { rows } = await t.service.database.pool.query<{ token_hash: string }>('SELECT token_hash FROM access_tokens WHERE token_id = $1', [issued.tokenId]);
  const hash = rows[0]?.token_hash ?? '';
  cache.keep(hash, record, cache.readStartedAt);
  await t.service.database.pool.query("UPDATE access_tokens SET label = 'changed' WHERE token_id = $1", [issued.tokenId]);
  expect(await until(() => cache.get(hash) === undefined)).toBe(true);
  cache.keep(hash, record, cache.readStartedAt);
  await t.service.database.pool.query('DELETE FROM access_tokens WHERE token_id = $1', [issued.tokenId]);
  expect(await until(() => cache.get(hash) === undefined)).toBe(true);
});
