/** Calls fn on every item, at most `limit` at a time; resolves when all are done. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        // next < items.length: the item is there (taken before any await)
        await fn(items[next++] as T);
      }
    }),
  );
}
