export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__KLASTER_TEST_PG__ as { stop(): Promise<void> } | undefined;
  if (server) await server.stop();
}
