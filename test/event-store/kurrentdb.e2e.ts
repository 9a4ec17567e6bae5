// The event store contract against KurrentDB, run only when KURRENTDB_URL points at a
// server: none can run on our machines (no Docker engine, no .NET). Without it the
// contract suite is NOT run (not passed) and a warning says so; the one test that does
// run checks that the service refuses to start against an unreachable KurrentDB.
import { createEventStore } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/database/database.js';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb/kurrentdb-event-store.js';
import { eventStoreContract } from './contract.js';

const url = process.env.KURRENTDB_URL;

if (url) {
  let store: KurrentDbEventStore;
  eventStoreContract(
    'event store contract: KurrentDB',
    async () => {
      store = new KurrentDbEventStore(url, { pollMs: 50 });
      await store.checkReachable();
      return { store };
    },
    async () => store.dispose(),
  );
} else {
  console.warn('KurrentDB contract suite NOT RUN: KURRENTDB_URL not set (see README, "KurrentDB and docker compose")');
}

test('the service refuses to start when KurrentDB is selected and unreachable, naming KURRENTDB_URL', async () => {
  // port 1 on loopback: nothing listens there
  const config = loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://admin:secret@127.0.0.1:1?tls=false' });
  const started = Date.now();
  const refused = createEventStore(config, {} as Database);
  await expect(refused).rejects.toThrow(/^KURRENTDB_URL \(kurrentdb:\/\/\*\*\*@127\.0\.0\.1:1\?tls=false\) is unreachable: .+\. Start KurrentDB or set EVENT_STORE=postgres\.$/);
  await expect(refused).rejects.not.toThrow(/secret/);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('configuration names KURRENTDB_URL when KurrentDB is selected without it', () => {
  expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(/KURRENTDB_URL is required/);
});
