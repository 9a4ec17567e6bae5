// The event store contract against KurrentDB: run only when KURRENTDB_URL points at a
// server (no KurrentDB can run on our machines: no Docker engine, no .NET). Without it the
// suite is NOT run and says so; the one test here checks the refusal to start.
import { loadConfig } from '../../src/config/config.js';
import { createEventStore } from '../../src/app.js';
import { KurrentDbEventStore } from '../../src/event-store/kurrent/kurrentdb-event-store.js';
import type { Database } from '../../src/database/database.js';
import { eventStoreContract } from './contract.js';

const url = process.env.KURRENTDB_URL;

if (url) {
  let store: KurrentDbEventStore;
  eventStoreContract('event store contract: KurrentDB', async () => {
    store = new KurrentDbEventStore(url, 50);
    await store.checkReachable();
    return { store };
  }, async () => store.dispose());
} else {
  console.warn('KurrentDB contract suite NOT RUN: KURRENTDB_URL is not set (see README, "KurrentDB")');
}

test('the service refuses to start with a clear message when KurrentDB is selected and unreachable', async () => {
  const config = loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:1?tls=false', DATABASE_URL: 'postgres://unused@127.0.0.1:1/x' });
  const started = Date.now();
  await expect(createEventStore(config, {} as Database)).rejects.toThrow(/KURRENTDB_URL \(kurrentdb:\/\/127\.0\.0\.1:1\?tls=false\) is unreachable/);
  expect(Date.now() - started).toBeLessThan(20_000);
});

test('configuration names KURRENTDB_URL when KurrentDB is selected without it', () => {
  expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(/KURRENTDB_URL is required/);
});
