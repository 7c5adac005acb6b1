import type { Pool } from 'pg';
import { PostgresEventStore, type EventStore, type NewEvent } from '@app/event-store';
import type { Projection } from '../../libs/read-models/src/runner/projection';
import { ProjectionRunner } from '../../libs/read-models/src/runner/projection-runner';

const silent = { info: () => undefined, error: () => undefined };

/**
 * Waits until `runner` (started: by hand, or the app's projector) has every projection at the head of the log.
 * Fails unless it got there and none stopped on an event: `catchUp` alone answers true past a projection that
 * failed (it will never get there), and a silent logger (the specs', the test app's) would hide why.
 */
export async function expectCaughtUp(runner: ProjectionRunner, timeoutMs = 30_000): Promise<void> {
  const caughtUp = await runner.catchUp(timeoutMs);
  // Stopped on an event, or not running at all; a projection that caught up and is re-subscribing after a dropped
  // connection (a database restart the spec made) is at the head all the same.
  const failed = runner.status().filter((s) => s.state === 'failed' || s.state === 'stopped').map((s) => [s.name, s.state, s.error]);
  // A spec that fails here never reaches its own stop(): left running, the runner would retry against the dropped
  // database with a backoff timer that keeps the jest worker from exiting ("failed to exit gracefully").
  if (!caughtUp || failed.length > 0) await runner.stop();
  expect({ caughtUp, failed }).toEqual({ caughtUp: true, failed: [] });
}

/** Runs `projections` from their checkpoints to the head of the log in batches of `batchSize`, then stops; fails as `expectCaughtUp` does. */
export async function projectToEnd(
  store: EventStore,
  pool: Pool,
  projections: readonly Projection[],
  { batchSize, maxBatchWaitMs = 5, timeoutMs = 30_000 }: { batchSize: number; maxBatchWaitMs?: number; timeoutMs?: number },
): Promise<void> {
  const runner = new ProjectionRunner(store, pool, projections, silent, { batchSize, maxBatchWaitMs });
  await runner.start();
  try {
    await expectCaughtUp(runner, timeoutMs);
  } finally {
    await runner.stop();
  }
}

/**
 * Appends `history` to the log of `db` (each event to its stream, in order) and runs `projections` over it to the end
 * (`projectToEnd`); answers the store.
 */
export async function projectHistory(
  db: { readonly pool: Pool; readonly url: string },
  history: readonly { readonly stream: string; readonly event: NewEvent }[],
  projections: readonly Projection[],
  options: Parameters<typeof projectToEnd>[3],
): Promise<PostgresEventStore> {
  const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
  for (const { stream, event } of history) await store.appendToStream(stream, [event], 'any');
  await projectToEnd(store, db.pool, projections, options);
  return store;
}
