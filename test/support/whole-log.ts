import { comparePositions, type EventStore, type RecordedEvent } from '@app/event-store';

/**
 * Every event in the store, oldest first, up to the head as it stood when called.
 *
 * `readAll` on PostgreSQL holds back everything behind a transaction still in flight anywhere in
 * the cluster (the late-commit guard: the xmin is cluster-wide, so another test's database counts),
 * so a read right after an append can come back short. This waits until the read reaches the head.
 */
export async function wholeLog(store: EventStore, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const head = await store.headPosition();
  const events: RecordedEvent[] = [];
  if (!head) return events;
  const deadline = Date.now() + timeoutMs;
  while (events.length === 0 || comparePositions(events.at(-1)!.position, head) < 0) {
    const batch = await store.readAll({ after: events.at(-1)?.position, maxCount: 1_000 });
    if (batch.length > 0) {
      events.push(...batch);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the log did not become readable up to its head within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return events;
}
