import type { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { syntheticHistory } from '@app/demo';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { expectCaughtUp, projectToEnd } from '../../../../test/support/project-to-end';
import { campaignEffectivenessProjection } from '../campaign-effectiveness/campaign-effectiveness.projection';
import { PROJECTIONS } from '../index';
import { ProjectionRunner } from './projection-runner';
import { readCheckpoints, withReadModels } from './read-model-position';

const silent = { info: () => undefined, error: () => undefined };
const NAME = campaignEffectivenessProjection.name;

const figures = (pool: Pool) =>
  withReadModels(pool, [NAME], async (db) => {
    const { rows } = await db.query(`SELECT count(*)::int AS n, COALESCE(sum(revenue_fen), 0)::text AS revenue FROM ce_conversions WHERE NOT reversed`);
    const participants = await db.query(`SELECT count(*)::int AS n FROM ce_participants`);
    return { conversions: rows[0].n as number, revenue: rows[0].revenue as string, participants: participants.rows[0].n as number };
  });
const schemaOf = async (pool: Pool) => (await readCheckpoints(pool)).find((c) => c.name === NAME)!.schema;
const schemaExists = async (pool: Pool, schema: string) => (await pool.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [schema])).rowCount === 1;

describe('blue/green rebuild', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const b of syntheticHistory(600, 21)) await store.appendToStreams(b);
  });
  afterEach(() => db.drop());

  it('builds a fresh schema while the old one serves, switches, and drops the old', async () => {
    const runner = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 100, maxBatchWaitMs: 5 });
    await runner.start();
    await expectCaughtUp(runner, 30_000);
    const before = await figures(db.pool);
    const oldSchema = await schemaOf(db.pool);
    const progress: number[] = [];
    let servedDuringRebuild: unknown;
    const rebuilt = runner.rebuild(NAME, (p) => {
      progress.push(p.done);
      if (!servedDuringRebuild && p.done > 0) servedDuringRebuild = figures(db.pool);
    });
    const status = await rebuilt;
    await runner.stop();
    // Readers were answered from the old schema while the new one was built.
    expect(await servedDuringRebuild).toEqual(before);
    expect(status.schema).not.toBe(oldSchema);
    expect(await schemaOf(db.pool)).toBe(status.schema);
    expect(await schemaExists(db.pool, oldSchema)).toBe(false);
    expect(await figures(db.pool)).toEqual(before);
    expect(Math.max(...progress)).toBeGreaterThan(0);
  }, 60_000);

  it('keeps up with events appended during the rebuild', async () => {
    const runner = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 100, maxBatchWaitMs: 5 });
    await runner.start();
    await expectCaughtUp(runner, 30_000);
    const more = syntheticHistory(200, 99).slice(1, -1); // customers only: the campaigns exist already
    const writing = (async () => {
      for (const b of more) await store.appendToStreams(b.map((a) => ({ ...a, streamId: `${a.streamId}-late` })));
    })();
    await runner.rebuild(NAME);
    await writing;
    await expectCaughtUp(runner, 30_000);
    await runner.stop();
    const after = await figures(db.pool);
    // Reference: the same log, projected from scratch by a fresh runner on a fresh schema.
    const fresh = new ProjectionRunner(store, db.pool, PROJECTIONS, silent, { batchSize: 200, maxBatchWaitMs: 5 });
    await fresh.start();
    await fresh.rebuild(NAME);
    await fresh.stop();
    expect(await figures(db.pool)).toEqual(after);
  }, 90_000);

  it('rebuilds by itself when the code brings a new version of a projection', async () => {
    await projectToEnd(store, db.pool, PROJECTIONS, { batchSize: 100 });
    const before = await figures(db.pool);
    const oldSchema = await schemaOf(db.pool);
    const next = campaignEffectivenessProjection.version + 1;
    const v2Projections = PROJECTIONS.map((p) => (p.name === NAME ? { ...p, version: next } : p));
    const v2 = new ProjectionRunner(store, db.pool, v2Projections, silent, { batchSize: 100, maxBatchWaitMs: 5 });
    await v2.start();
    for (let i = 0; i < 300 && (await readCheckpoints(db.pool)).find((c) => c.name === NAME)!.version !== next; i++) await new Promise((r) => setTimeout(r, 50));
    // The switch commits first, then the old schema is dropped: give the drop its moment.
    for (let i = 0; i < 100 && (await schemaExists(db.pool, oldSchema)); i++) await new Promise((r) => setTimeout(r, 50));
    await v2.stop();
    expect((await readCheckpoints(db.pool)).find((c) => c.name === NAME)!.version).toBe(next);
    expect(await schemaOf(db.pool)).toMatch(new RegExp(`_v${next}_`));
    expect(await schemaExists(db.pool, oldSchema)).toBe(false);
    expect(await figures(db.pool)).toEqual(before);
  }, 60_000);
});
