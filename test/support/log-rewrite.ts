import { MIGRATIONS, migrate } from '@app/platform';
import type { TestApp } from './test-app';

/**
 * What the one-off rewrites of the log (the legacy-*-reasons migrations) are checked against: the
 * log and the read models as text, a second run of the migration, and a wait for the projector.
 */
export function logRewrite(app: () => TestApp, migration: string) {
  const db = () => app().db;
  return {
    /** Every column of every row of es_events, as text. */
    eventsTable: async () => (await db().pool.query(`SELECT string_agg(row_to_json(e)::text, '\n' ORDER BY global_position) AS t FROM es_events e`)).rows[0].t as string,
    /** Every row of every read model's current tables, by projection. */
    readModels: async () => {
      const out: Record<string, unknown> = {};
      const { rows: checkpoints } = await db().pool.query(`SELECT name, schema_name FROM projection_checkpoints ORDER BY name`);
      for (const { name, schema_name } of checkpoints) {
        const { rows: tables } = await db().pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema_name]);
        for (const { tablename } of tables) {
          const { rows } = await db().pool.query(`SELECT row_to_json(x)::text AS r FROM "${schema_name}"."${tablename}" x`);
          out[`${name}.${tablename}`] = rows.map((r) => r.r).sort();
        }
      }
      return out;
    },
    /** As at the next start of a release that has it: the migration is not recorded yet, so it runs. */
    runAgain: async () => {
      await db().pool.query(`DELETE FROM schema_migrations WHERE name = $1`, [migration]);
      return migrate(db().url, MIGRATIONS);
    },
    /** Until every read model has seen the log up to its last event. */
    caughtUp: async (what: string) => {
      const { rows: [{ last }] } = await db().pool.query(`SELECT max(global_position)::text AS last FROM es_events`);
      for (let i = 0; i < 200; i++) {
        if ((await db().pool.query(`SELECT count(*)::int AS n FROM projection_checkpoints WHERE prepare_pos < $1`, [last])).rows[0].n === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for every read model to see ${what}`);
    },
  };
}
