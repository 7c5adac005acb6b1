import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { PostgresEventStore, type StreamAppend } from '@app/event-store';
import { syntheticHistory } from '@app/demo';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { wholeLog } from '../../../../test/support/whole-log';
import { applyAgain } from '../../../../test/support/apply-again';
import { expectCaughtUp, projectToEnd } from '../../../../test/support/project-to-end';
import { PROJECTIONS } from '../index';
import { ProjectionRunner, useSchema } from './projection-runner';
import { readCheckpoints, withReadModels } from './read-model-position';

const silent = { info: () => undefined, error: () => undefined };

/**
 * Every table of every projection, found in the schemas the projections were built into (not a
 * list kept by hand), as sorted JSON text per row: two databases agree exactly or not at all.
 * `seq` columns hold log positions, which differ when writers interleave differently; they are
 * compared as each customer's (or other subject's) order: the order of a stream's own events never changes.
 * `recorded_at` columns hold the store's recording time, which differs from the reference's: compared as present.
 */
async function snapshot(pool: Pool): Promise<Record<string, string[]>> {
  // A counter row left at zero means nothing (which keys a count passed through depends on where batches were cut: a
  // tagged sale reversed in the batch that recorded it is written reversed, and never counts at all).
  const zeroCountersLeftOut = (t: string) => (/_counts$|^ce_tagged_customers$|^ce_campaign_totals$/.test(t) ? `WHERE (SELECT bool_or(CASE WHEN jsonb_typeof(v) = 'number' THEN v::text::numeric <> 0 ELSE v::text <> '"0"' END) FROM jsonb_each(to_jsonb(x) - ARRAY['campaign_id', 'customer_id', 'grp', 'unit_id', 'tier', 'day', 'as_of_day', 'channel']) AS e(k, v))` : '');
  const schemas = await readCheckpoints(pool);
  expect(schemas.map((c) => c.name).sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
  const out: Record<string, string[]> = {};
  for (const { name, schema } of schemas) {
    const { rows: tables } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`, [schema]);
    expect(tables.length).toBeGreaterThan(0);
    for (const { table_name: table } of tables) {
      const { rows: columns } = await pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, table]);
      const names = columns.map((c) => c.column_name);
      const select = names
        .map((c) =>
          c === 'seq'
            ? `row_number() OVER (PARTITION BY "${names.includes('customer_id') ? 'customer_id' : names[0]}" ORDER BY seq) AS seq`
            : // The store's own recording time of an event (notifications keep it) differs between this database and the
              // reference, which wrote the same history later: compared as present, not by value.
              c === 'recorded_at'
              ? `("recorded_at" IS NOT NULL) AS recorded_at`
              : `"${c}"`,
        )
        .join(', ');
      out[`${name}.${table}`] = (await pool.query(`SELECT row_to_json(x)::text AS r FROM (SELECT ${select} FROM "${schema}"."${table}") x ${zeroCountersLeftOut(table)} ORDER BY 1`)).rows.map((r) => r.r);
    }
  }
  return out;
}

/** The history the fault tests project: with transfers (one customer in four of them twice), staff moves, a product's new weight, new scoring rules and targets. */
const history = (customers: number, seed: number) => syntheticHistory(customers, seed, { changes: true });

async function write(store: PostgresEventStore, batches: StreamAppend[][]): Promise<void> {
  for (const b of batches) await store.appendToStreams(b);
}

async function projectAll(db: TestDatabase, store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 })): Promise<void> {
  await projectToEnd(store, db.pool, PROJECTIONS, { batchSize: 200, timeoutMs: 120_000 });
}

/** A reference: the same history in a fresh database, projected in one clean run. */
async function reference(history: StreamAppend[][]): Promise<Record<string, string[]>> {
  const db = await createTestDatabase();
  try {
    await write(new PostgresEventStore(db.pool, { connectionString: db.url }), history);
    await projectAll(db);
    return await snapshot(db.pool);
  } finally {
    await db.drop();
  }
}

describe('projector under faults', () => {
  it('changes nothing when the same batch is applied twice', async () => {
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url });
      await write(store, history(300, 7));
      await projectAll(db, store);
      const once = await snapshot(db.pool);
      expect(once['campaign-effectiveness.ce_conversions']!.length).toBeGreaterThan(10);
      // The changes are in: the moves, the transfers (and the sales after them) were projected.
      expect(once['staff-scorecard.sc_staff_units']!.length).toBe(5 + 2);
      expect(once['staff-scorecard.sc_person_month']!.some((r) => JSON.parse(r).period === '2026-04')).toBe(true);
      // Apply the whole history again, as one more batch on top, the checkpoints set back so it really runs: nothing may
      // change (customer-360's holdings too: a sale already applied is known by its conversion id, and a period's sales
      // are set, not added to).
      await applyAgain(db.pool, PROJECTIONS, await wholeLog(store));
      expect(await snapshot(db.pool)).toEqual(once);
    } finally {
      await db.drop();
    }
  });

  it('ends exactly like a clean run after being killed (SIGKILL) mid-batch 20 times', async () => {
    const main = join(__dirname, '../../../../dist/apps/projector/src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm test does it first)`);
    const written = history(1500, 11);
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      await write(store, written);
      const positions = new Set<string>();
      const head = (await store.headPosition())!;
      for (let i = 0; i < 20; i++) {
        const child = spawn(process.execPath, [main], {
          env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', PROJECTOR_BATCH_SIZE: '40', PROJECTOR_MAX_WAIT_MS: '5', EVENTSTORE_URL: '' },
          stdio: 'ignore',
        });
        // Kill once this run has made progress (however long the process took to start on a busy
        // machine), then a random moment later: mid-batch, at a different place each time.
        const checkpoints = await readCheckpoints(db.pool);
        if (checkpoints.length === PROJECTIONS.length && checkpoints.every((c) => c.position.prepare === head.prepare)) break; // nothing left to interrupt
        const where = (cps: typeof checkpoints) => cps.map((c) => `${c.name}@${c.position.commit}/${c.position.prepare}`).join(',');
        const before = where(checkpoints);
        for (let waited = 0; waited < 15_000 && where(await readCheckpoints(db.pool)) === before; waited += 20) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, Math.random() * 150));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const cps = await readCheckpoints(db.pool);
        positions.add(cps.map((c) => `${c.name}@${c.position.prepare}`).join(','));
      }
      // The kills landed at many different places, not all before start or after the end.
      expect(positions.size).toBeGreaterThan(5);
      await projectAll(db, store);
      expect(await snapshot(db.pool)).toEqual(await reference(written));
    } finally {
      await db.drop();
    }
  }, 180_000);

  it('counts every event once while many writers append concurrently (late commits)', async () => {
    const written = history(1200, 5);
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      const runner = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 100, maxBatchWaitMs: 5 });
      await runner.start();
      await write(store, written.slice(0, 1));
      // The campaigns and customers by many writers at once; then, in order, the organisation's
      // changes, the customers' transfers and later sales, and the campaigns' completion.
      const middle = written.slice(1, -3);
      const writers = 6;
      await Promise.all(Array.from({ length: writers }, (_, w) => write(store, middle.filter((_, i) => i % writers === w))));
      await write(store, written.slice(-3));
      await expectCaughtUp(runner, 60_000);
      await runner.stop();
      expect(await snapshot(db.pool)).toEqual(await reference(written));
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('counts every event once when two projectors write the same read models (one lost its lock and still runs)', async () => {
    const written = history(600, 5);
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      await write(store, written.slice(0, 1));
      const first = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 37, maxBatchWaitMs: 5 });
      await first.start();
      expect(await first.catchUp(30_000)).toBe(true);
      // The second starts from the same checkpoints and cuts batches elsewhere: each batch of one overlaps the other's.
      const second = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 53, maxBatchWaitMs: 5 });
      await second.start();
      await write(store, written.slice(1));
      expect([await first.catchUp(60_000), await second.catchUp(60_000)]).toEqual([true, true]);
      await Promise.all([first.stop(), second.stop()]);
      expect([...first.status(), ...second.status()].filter((x) => x.state !== 'running')).toEqual([]);
      expect(await snapshot(db.pool)).toEqual(await reference(written));
    } finally {
      await db.drop();
    }
  }, 180_000);

  it('stops only the projection that cannot apply an event, and completes once an upcaster mends it', async () => {
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      await write(store, syntheticHistory(50, 3));
      const poison = {
        type: 'ConversionRecorded',
        data: { conversionId: 'bad-1', customerId: 'S1', staffId: 'rm1', productCode: 'DEP-1Y', amount: 'lots', revenue: '10.00', campaignId: 'K1', referrerStaffId: null, referralId: null },
        metadata: { eventId: '00000000-0000-4000-8000-00000000bad1', correlationId: 'x', causationId: null, actor: 'x', orgUnit: null, occurredAt: '2026-03-20T00:00:00.000Z', schemaVersion: 1 },
      };
      const { position } = await store.appendToStream('customer-S1', [poison], 'any');
      await store.appendToStream('customer-after', [{ ...poison, type: 'CustomerOnboarded', data: { customerId: 'after', homeUnitId: 'SB1', segment: 'x', gender: 'F', birthYear: null }, metadata: { ...poison.metadata, eventId: '00000000-0000-4000-8000-00000000bad2' } }], 'no_stream');

      const runner = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 100, maxBatchWaitMs: 5 });
      await runner.start();
      expect(await runner.catchUp(30_000)).toBe(true); // the healthy projection reaches the end
      await runner.stop();
      const failed = runner.status().find((s) => s.name === 'campaign-effectiveness')!;
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatchObject({ position: `${position.commit}/${position.prepare}`, eventType: 'ConversionRecorded' });
      expect(runner.status().find((s) => s.name === 'customer-directory')!.state).toBe('running');
      const after = await withReadModels(db.pool, ['customer-directory'], (rm) => rm.query(`SELECT 1 FROM customer_directory WHERE customer_id = 'after'`));
      expect(after.rowCount).toBe(1);

      // An upcaster mends the stored event on read; the projection restarts from its checkpoint.
      const mended = new PostgresEventStore(db.pool, {
        connectionString: db.url,
        maxPollIntervalMs: 20,
        upcast: (e) => (e.type === 'ConversionRecorded' && (e.data as { amount: string }).amount === 'lots' ? { ...e, data: { ...(e.data as object), amount: '100.00' } } : e),
      });
      const again = new ProjectionRunner(mended, db.pool, PROJECTIONS, silent, { batchSize: 100, maxBatchWaitMs: 5 });
      await again.start();
      await again.restart('campaign-effectiveness');
      expect(await again.catchUp(30_000)).toBe(true);
      await again.stop();
      expect(again.status().every((s) => s.state === 'running')).toBe(true);
      const { rows } = await withReadModels(db.pool, ['campaign-effectiveness'], (rm) => rm.query(`SELECT amount_fen FROM ce_conversions WHERE conversion_id = 'bad-1'`));
      expect(rows).toEqual([{ amount_fen: '10000' }]);
    } finally {
      await db.drop();
    }
  }, 60_000);
});
