// A separate process that runs one projection with the built runner, so a test can
// kill it mid-batch (SIGKILL) and start it again. Usage: node projection-worker.mjs DATABASE_URL
import pg from 'pg';
import { pino } from 'pino';
import { PostgresEventStore } from '../../dist/src/event-store/postgres/postgres-event-store.js';
import { ProjectionRunner } from '../../dist/src/projections/projection-runner.js';

const pool = new pg.Pool({ connectionString: process.argv[2] });
const store = new PostgresEventStore(pool);
const runner = new ProjectionRunner(pool, store, pino({ level: 'silent' }), 20);
runner.register({
  name: 'applied-counter',
  version: 1,
  tables: ['applied_events'],
  eventTypes: ['Counted'],
  async apply(client, events) {
    for (const event of events) await client.query('INSERT INTO applied_events (event_id) VALUES ($1)', [event.eventId]);
    await new Promise((resolve) => setTimeout(resolve, 30)); // a slow batch, so a kill lands inside one
  },
});
await runner.start(false);
await pool.end();
process.stdout.write('caught-up\n');
