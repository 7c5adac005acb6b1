import { syntheticHistory } from '@app/demo';
import { bankTimeZone } from '@app/domain';
import { PostgresEventStore } from '@app/event-store';
import { createTestDatabase } from '../../../../test/support/test-database';
import { ProjectionRunner } from '../runner/projection-runner';
import { readCheckpoints } from '../runner/read-model-position';
import { recountCounters } from './campaign-effectiveness.counters';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';

const silent = { info: () => undefined, error: () => undefined };
const COUNTERS = ['ce_group_counts', 'ce_group_sales_counts', 'ce_day_counts', 'ce_channel_counts', 'ce_campaign_totals'];
/** A counter row left at zero means nothing (which keys a count passed through depends on where batches were cut). */
const NOT_ZERO = `EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(x)) AS e(k, v) WHERE jsonb_typeof(v) = 'number' AND v::text <> '0')`;

describe('campaign-effectiveness counters (v7: kept by the projection from its deltas)', () => {
  it('equal a recount of the fact rows after a history with transfers, re-tiering and reversals, projected in batches of 37', async () => {
    const db = await createTestDatabase();
    try {
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      for (const batch of syntheticHistory(400, 7, { changes: true })) await store.appendToStreams(batch);
      const runner = new ProjectionRunner(store, db.pool, [campaignEffectivenessProjection], silent, { batchSize: 37, maxBatchWaitMs: 5 });
      await runner.start();
      expect(await runner.catchUp(120_000)).toBe(true);
      await runner.stop();
      const schema = (await readCheckpoints(db.pool)).find((c) => c.name === 'campaign-effectiveness')!.schema;

      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        // The v6 triggers' counting rules, run once over the whole fact tables into a scratch schema.
        await client.query('CREATE SCHEMA recount');
        await client.query(`SET LOCAL search_path = recount, "${schema}"`);
        for (const sql of recountCounters(bankTimeZone())) await client.query(sql);
        const rows = async (from: string, table: string) =>
          (await client.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM "${from}".${table} x WHERE ${NOT_ZERO} ORDER BY 1`)).rows.map((r) => r.r);
        for (const table of COUNTERS) {
          const kept = await rows(schema, table);
          expect(kept.length).toBeGreaterThan(0);
          expect({ table, rows: kept }).toEqual({ table, rows: await rows('recount', table) });
        }
        const firsts = async (from: string) =>
          (await client.query(`SELECT campaign_id, channel, customer_id, first_at FROM "${from}".ce_channel_customers ORDER BY 1, 2, 3`)).rows;
        expect(await firsts(schema)).toEqual(await firsts('recount'));
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    } finally {
      await db.drop();
    }
  }, 180_000);
});
