import { PostgresEventStore, type StreamAppend } from '@app/event-store';
import { syntheticHistory } from '@app/demo';
import { PROJECTIONS, readCheckpoints } from '@app/read-models';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { projectToEnd } from '../support/project-to-end';
import { readModelSnapshot, startApp, type AppProcess } from '../support/processes';

/**
 * Projector failover with real processes on one database: two projectors, one holding the advisory
 * lock and projecting, the other standing by. The holder is killed (SIGKILL) at a random moment
 * while events keep arriving, ten times; each time the standby takes over within 10 s (measured
 * and printed) and a new standby is started. At the end the read models equal, table by table,
 * those of one clean run over the same history.
 */
const KILLS = 10;
const isRunning = (l: Record<string, unknown>) => l.msg === 'projector running';
const isStandingBy = (l: Record<string, unknown>) => l.msg === 'another process is projecting; standing by';

/** The history in small appends (a few streams each), in order, so that it can be written over time. */
function smallAppends(history: StreamAppend[][], streamsPerAppend: number): StreamAppend[][] {
  return history.flatMap((batch) => Array.from({ length: Math.ceil(batch.length / streamsPerAppend) }, (_, i) => batch.slice(i * streamsPerAppend, (i + 1) * streamsPerAppend)));
}

async function cleanRun(history: StreamAppend[][]): Promise<Record<string, string[]>> {
  const db = await createTestDatabase();
  try {
    const store = new PostgresEventStore(db.pool, { connectionString: db.url });
    for (const b of history) await store.appendToStreams(b);
    await projectToEnd(store, db.pool, PROJECTIONS, { batchSize: 200, timeoutMs: 60_000 });
    return await readModelSnapshot(db.pool);
  } finally {
    await db.drop();
  }
}

describe('projector failover (two processes, one database)', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await db?.drop();
  });

  it(`the standby takes over within 10 s each of ${KILLS} times the lock holder is SIGKILLed mid-batch, and the read models end as a clean run's`, async () => {
    db = await createTestDatabase();
    const history = syntheticHistory(600, 17);
    const appends = smallAppends(history, 15);
    const env = { DATABASE_URL: db.url, PROJECTOR_BATCH_SIZE: '40', PROJECTOR_MAX_WAIT_MS: '5', LOG_LEVEL: 'info' };
    let n = 0;
    const spawnProjector = () => {
      const p = startApp('projector', env, `projector-${++n}`);
      processes.push(p);
      return p;
    };
    const store = new PostgresEventStore(db.pool, { connectionString: db.url });
    // Some history before the projectors start; the rest in slices, one before each kill, so that
    // the holder is busy applying batches when it dies.
    const slice = Math.ceil(appends.length / (KILLS + 2));
    let written = 0;
    const writeSlice = async () => {
      for (const a of appends.slice(written, written + slice)) await store.appendToStreams(a);
      written = Math.min(appends.length, written + slice);
    };
    await writeSlice();
    let holder = spawnProjector();
    await holder.waitForLog(isRunning, 30_000);
    let standby = spawnProjector();
    await standby.waitForLog(isStandingBy, 30_000);

    const takeovers: number[] = [];
    const killedAt = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      await writeSlice();
      // The holder is projecting the new slice: its checkpoints move. Then a random moment later: mid-batch.
      const where = async () => (await readCheckpoints(db.pool)).map((c) => `${c.name}@${c.position.commit}/${c.position.prepare}`).join(',');
      const before = await where();
      for (let waited = 0; waited < 15_000 && (await where()) === before; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      const killed = Date.now();
      await holder.kill('SIGKILL');
      killedAt.add((await readCheckpoints(db.pool)).map((c) => `${c.name}@${c.position.prepare}`).join(','));
      await standby.waitForLog(isRunning, 15_000);
      takeovers.push(Date.now() - killed);
      holder = standby;
      standby = spawnProjector();
      await standby.waitForLog(isStandingBy, 30_000);
    }
    for (const a of appends.slice(written)) await store.appendToStreams(a);

    console.log(`projector failover: takeover after SIGKILL in ms: ${takeovers.join(', ')} (max ${Math.max(...takeovers)})`);
    expect(takeovers).toHaveLength(KILLS);
    for (const ms of takeovers) expect(ms).toBeLessThan(10_000);
    // The kills landed at different places in the log, not all at one.
    expect(killedAt.size).toBeGreaterThan(5);

    // The last holder catches up with everything written.
    const head = (await store.headPosition())!;
    for (let waited = 0; waited < 60_000; waited += 100) {
      const cps = await readCheckpoints(db.pool);
      if (cps.length === PROJECTIONS.length && cps.every((c) => c.position.prepare === head.prepare)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await holder.kill('SIGTERM');
    await standby.kill('SIGTERM');
    const after = await readModelSnapshot(db.pool);
    const clean = await cleanRun(history);
    expect(Object.keys(after).sort()).toEqual(Object.keys(clean).sort());
    expect(Object.keys(after).length).toBeGreaterThanOrEqual(15);
    for (const table of Object.keys(clean)) expect([table, after[table]]).toEqual([table, clean[table]]);
  }, 240_000);
});
