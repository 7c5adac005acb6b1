import { randomUUID } from 'node:crypto';
import { DEFAULT_BANK_TIME_ZONE, useBankTimeZone } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { expectCaughtUp } from '../../../../test/support/project-to-end';
import { campaignEffectivenessProjection } from '../campaign-effectiveness/campaign-effectiveness.projection';
import { periodCorrectionsProjection } from '../period-corrections/period-corrections.projection';
import { pointsLedgerProjection } from '../points-ledger/points-ledger.projection';
import { PROJECTIONS } from '../index';
import { ProjectionRunner } from './projection-runner';
import { readCheckpoints, withReadModels } from './read-model-position';

const silent = { info: () => undefined, error: () => undefined };

/** An admin's answer to a complaint, recorded as a correction (the period-corrections read model keeps its business month). */
const answered = (id: string, occurredAt: string): NewEvent => ({
  type: 'ComplaintAnswered',
  data: { complaintId: id, customerId: 'C1', answeredBy: 'S1' },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'admin', orgUnit: null, occurredAt, schemaVersion: 1, correction: 'other' } as NewEvent['metadata'],
});

/**
 * The bank's zone cuts business days and months into what some projections store (a month column,
 * the campaign counters' `ce_day()`, made with the zone in force when its schema was built). A
 * restart with another BANK_TIME_ZONE rebuilds those projections (blue/green) so their stored cuts
 * follow the new zone; a projection whose rows hold no cut keeps its tables, and a restart in the
 * same zone rebuilds nothing.
 *
 * Hand-worked: 2026-03-31T15:30Z is 23:30 on 31 March in Beijing (+08:00) and 16:30 in London
 * (+01:00, summer time since 29 March); 2026-03-31T16:30Z is 00:30 on 1 April in Beijing and 17:30
 * on 31 March in London. So in Beijing the two fall in March and April, in London both in March.
 */
describe('projection runner: the bank time zone changes', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const projections = [campaignEffectivenessProjection, periodCorrectionsProjection, pointsLedgerProjection];
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('complaint-1', [answered('K1', '2026-03-31T15:30:00Z')], 'no_stream');
    await store.appendToStream('complaint-2', [answered('K2', '2026-03-31T16:30:00Z')], 'no_stream');
  });
  afterEach(async () => {
    useBankTimeZone(DEFAULT_BANK_TIME_ZONE);
    await db.drop();
  });

  const schemas = async () => Object.fromEntries((await readCheckpoints(db.pool)).map((c) => [c.name, c.schema]));
  const zones = async () => Object.fromEntries((await db.pool.query<{ name: string; time_zone: string | null }>(`SELECT name, time_zone FROM projection_checkpoints ORDER BY name`)).rows.map((r) => [r.name, r.time_zone]));
  /** What the stored rows say: each correction's business month, and the bank day the counters' schema gives each instant. */
  const cuts = async () => ({
    months: await withReadModels(db.pool, [periodCorrectionsProjection.name], async (q) => (await q.query(`SELECT occurred_at, period FROM pc_corrections ORDER BY occurred_at`)).rows.map((r) => r.period)),
    days: await withReadModels(db.pool, [campaignEffectivenessProjection.name], async (q) =>
      (await q.query(`SELECT to_char(ce_day('2026-03-31T15:30:00Z'), 'YYYY-MM-DD') AS a, to_char(ce_day('2026-03-31T16:30:00Z'), 'YYYY-MM-DD') AS b`)).rows[0],
    ),
  });
  /** Runs the projections from their checkpoints until every one that depends on the zone records `zone` (a rebuild the start began has switched over). */
  async function runOnce(zone: string): Promise<void> {
    const runner = new ProjectionRunner(store, db.pool, projections, silent, { batchSize: 10, maxBatchWaitMs: 5 });
    await runner.start();
    try {
      const settled = async () => Object.entries(await zones()).every(([name, z]) => name.endsWith('#next') ? false : z === (name === pointsLedgerProjection.name ? null : zone));
      for (let i = 0; i < 1_000 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 20));
      await expectCaughtUp(runner, 20_000);
    } finally {
      await runner.stop();
    }
  }

  it('rebuilds the projections whose rows hold bank days or months when BANK_TIME_ZONE changes, and only them', async () => {
    useBankTimeZone('Asia/Shanghai');
    await runOnce('Asia/Shanghai');
    expect(await cuts()).toEqual({ months: ['2026-03', '2026-04'], days: { a: '2026-03-31', b: '2026-04-01' } });
    // The zone each build's cuts were made in; none for a projection that stores no cut.
    expect(await zones()).toEqual({ 'campaign-effectiveness': 'Asia/Shanghai', 'period-corrections': 'Asia/Shanghai', 'points-ledger': null });
    const first = await schemas();

    // The same zone again: nothing rebuilt.
    await runOnce('Asia/Shanghai');
    expect(await schemas()).toEqual(first);

    useBankTimeZone('Europe/London');
    await runOnce('Europe/London');
    expect(await cuts()).toEqual({ months: ['2026-03', '2026-03'], days: { a: '2026-03-31', b: '2026-03-31' } });
    const second = await schemas();
    expect(second['campaign-effectiveness']).not.toBe(first['campaign-effectiveness']);
    expect(second['period-corrections']).not.toBe(first['period-corrections']);
    // Points hold no bank day: their tables stay.
    expect(second['points-ledger']).toBe(first['points-ledger']);
    expect(await zones()).toEqual({ 'campaign-effectiveness': 'Europe/London', 'period-corrections': 'Europe/London', 'points-ledger': null });
  }, 60_000);

  it('takes a build from before the zone was recorded to be in the zone in force, without rebuilding it', async () => {
    useBankTimeZone('Asia/Shanghai');
    await runOnce('Asia/Shanghai');
    await db.pool.query(`UPDATE projection_checkpoints SET time_zone = NULL`);
    const first = await schemas();
    await runOnce('Asia/Shanghai');
    expect(await schemas()).toEqual(first);
    expect(await zones()).toEqual({ 'campaign-effectiveness': 'Asia/Shanghai', 'period-corrections': 'Asia/Shanghai', 'points-ledger': null });
  }, 60_000);

  it('marks every projection that cuts bank days, months or years as depending on the zone', () => {
    // The ones that store a cut: a month or day column, a year of a budget, ce_day(), a campaign period's bank days.
    expect(PROJECTIONS.filter((p) => p.dependsOnTimeZone).map((p) => p.name).sort()).toEqual([
      'budget-usage',
      'campaign-effectiveness',
      'cross-selling',
      'customer-360',
      'customer-directory',
      'notifications',
      'period-corrections',
      'staff-scorecard',
    ]);
  });
});
