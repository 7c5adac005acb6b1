import { comparePositions, type Position } from '@app/event-store';
import { ProjectorRunningElsewhere, startProjector, type Runtime } from '@app/platform';
import { readCheckpoints, PROJECTIONS } from '@app/read-models';
import { progress } from './progress';

/** How long the read models may make no progress at all before a read command gives up on them. */
const STALL_MS = 60_000;

/**
 * Before a read command answers, its read models reach the store's head as it is now: the
 * projector runs here when no other process holds its lock (after an import, or with nothing
 * else running), or the command waits for the one that runs (npm start). A progress bar shows
 * how far, on a terminal. A projection that stopped on an event, or no progress for a minute,
 * is an error naming it.
 */
export async function bringReadModelsUpToDate(runtime: Runtime): Promise<void> {
  const head = await runtime.store.headPosition();
  if (!head) return;
  try {
    await startProjector(runtime);
  } catch (err) {
    if (!(err instanceof ProjectorRunningElsewhere)) throw err;
  }
  const bar = progress('read models', Number(head.prepare), 'events');
  try {
    await waitUntil(runtime, head, (done) => bar.update(done, Number(head.prepare)));
  } finally {
    bar.stop();
  }
}

async function waitUntil(runtime: Runtime, head: Position, onProgress: (done: number) => void): Promise<void> {
  const names = new Set(PROJECTIONS.map((p) => p.name));
  let last: bigint | null = null;
  let movedAt = Date.now();
  for (;;) {
    const checkpoints = (await readCheckpoints(runtime.db.pool)).filter((c) => names.has(c.name));
    const failed = checkpoints.find((c) => c.state === 'failed');
    if (failed) throw new Error(`read model ${failed.name} stopped on an event it cannot apply (${JSON.stringify(failed.error)}); see GET /api/projections`);
    const behind = [...names].map((n) => checkpoints.find((c) => c.name === n)?.position ?? null);
    const slowest = behind.reduce<Position | null | undefined>((min, p) => (min === undefined ? p : !min || !p ? null : comparePositions(p, min) < 0 ? p : min), undefined) ?? null;
    if (slowest && comparePositions(slowest, head) >= 0) return onProgress(Number(head.prepare));
    const at = slowest?.prepare ?? 0n;
    onProgress(Number(at));
    if (last === null || at > last) {
      last = at;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      throw new Error(`the read models made no progress for ${STALL_MS / 1000} s (the projector elsewhere may be stopped or busy rebuilding): try again, or see GET /api/projections`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
