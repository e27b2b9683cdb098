/**
 * Runs `worker` over `items` with at most `concurrency` in flight. The rate governor, not this pool,
 * decides the pace; the pool only keeps enough requests waiting that the governor is never idle.
 * Workers handle their own errors (a failed client must not stop the others).
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
}
