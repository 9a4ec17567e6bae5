import pg from 'pg';
import { createTestDatabase } from '../support/database.js';

test('a real PostgreSQL answers', async () => {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query<{ two: number }>('SELECT 1 + 1 AS two');
  await client.end();
  await db.drop();
  expect(rows[0]?.two).toBe(2);
});
