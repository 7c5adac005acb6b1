import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent, type RecordedEvent } from '@app/event-store';
import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { expectCaughtUp } from '../../../../test/support/project-to-end';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { tableDdl } from './effects';

/** An event that makes the projection below insert `rows` rows (as a launch enrols a whole audience). */
const enrol = (rows: number): NewEvent => ({
  type: 'Enrolled',
  data: { rows, key: randomUUID() },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-31T15:30:00Z', schemaVersion: 1 },
});

const participants: Projection = {
  name: 'participants',
  version: 1,
  eventTypes: ['Enrolled'],
  // Autovacuum kept away: whatever analyses this table in the spec is the projector. `note` only shown, never filtered on: no statistics.
  tables: tableDdl({
    name: 'participants',
    key: ['key', 'i'],
    columns: { key: { type: 'text' }, i: { type: 'integer' }, note: { type: 'text', statistics: false } },
    extra: ['ALTER TABLE participants SET (autovacuum_enabled = false)'],
  }),
  async apply(tx: PoolClient, events: readonly RecordedEvent[]) {
    for (const e of events) {
      const { rows, key } = e.data as { rows: number; key: string };
      await tx.query(`INSERT INTO participants (key, i, note) SELECT $1, g, 'note ' || g FROM generate_series(1, $2::int) g ON CONFLICT DO NOTHING`, [key, rows]);
    }
  },
};

/**
 * Issue 13 item 5: plans must not depend on statistics a large batch has just made stale. The
 * projector analyses a live table once the rows it changed since it last analysed it reach the
 * threshold (100 rows here, no fraction), and leaves it alone after small batches.
 */
describe('projection runner: analysing a table a batch changed a lot', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  const stats = async () => {
    const { rows } = await db.pool.query(
      `SELECT s.analyze_count::int AS analyses, greatest(c.reltuples, 0)::int AS "plannerRows"
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid JOIN projection_checkpoints p ON p.schema_name = s.schemaname
       WHERE p.name = 'participants' AND s.relname = 'participants'`,
    );
    // plannerRows: the table's size as the planner's statistics have it (0: never analysed).
    return rows[0] as { analyses: number; plannerRows: number };
  };
  const project = async (rows: number) => {
    await store.appendToStream(`launch-${randomUUID()}`, [enrol(rows)], 'no_stream');
    await expectCaughtUp(runner, 20_000);
    // Give the statistics a moment to report (an analysis is counted at once from PostgreSQL 15 on; before, via the collector).
    await new Promise((r) => setTimeout(r, 500));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    runner = new ProjectionRunner(store, db.pool, [participants], { info: () => undefined, error: (o: object, msg: string) => console.error(msg, o) }, { batchSize: 10, maxBatchWaitMs: 5, analyzeAfter: { rows: 100, fraction: 0 } });
    await runner.start();
  });
  afterAll(async () => {
    await runner.stop();
    await db.drop();
  });

  it('given a batch of 20 rows, then the table is not analysed', async () => {
    await project(20);
    expect(await stats()).toEqual({ analyses: 0, plannerRows: 0 });
  });

  it('given then a batch of 150 rows (170 since the last analysis), then it is analysed once, right after', async () => {
    await project(150);
    expect(await stats()).toEqual({ analyses: 1, plannerRows: 170 });
  });

  it('given a column declared without statistics, then the analysis leaves it out and keeps those plans use', async () => {
    const { rows } = await db.pool.query(
      `SELECT s.attname FROM pg_stats s JOIN projection_checkpoints p ON p.schema_name = s.schemaname WHERE p.name = 'participants' AND s.tablename = 'participants' ORDER BY 1`,
    );
    expect(rows.map((r) => r.attname)).toEqual(['i', 'key']);
  });

  it('given then 60 rows and then 50 (110 since the last analysis), then only the second batch analyses it', async () => {
    await project(60);
    expect(await stats()).toEqual({ analyses: 1, plannerRows: 170 });
    await project(50);
    expect(await stats()).toEqual({ analyses: 2, plannerRows: 280 });
  });

  it('given another session holding the lock ANALYZE needs, then the batch is applied without its analysis (200 ms lock timeout, not a wait behind the lock), and a later batch analyses', async () => {
    const { rows: schema } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = 'participants'`);
    const blocker = await db.pool.connect();
    try {
      // What an anti-wraparound vacuum or CREATE INDEX CONCURRENTLY holds: it conflicts with ANALYZE, not with inserts.
      await blocker.query(`BEGIN; LOCK TABLE "${schema[0].schema_name}".participants IN SHARE UPDATE EXCLUSIVE MODE`);
      await project(120);
      expect(await stats()).toEqual({ analyses: 2, plannerRows: 280 });
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM "${schema[0].schema_name}".participants`)).rows[0].n).toBe(400);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    // The 120 rows wait in the tally: the next batch past the threshold analyses them.
    await project(1);
    expect(await stats()).toEqual({ analyses: 3, plannerRows: 401 });
  });
});
