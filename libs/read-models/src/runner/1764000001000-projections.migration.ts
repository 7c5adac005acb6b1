import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per projection: where it has got to in the global order, and whether it is healthy. */
export class Projections1764000001000 implements MigrationInterface {
  readonly name = 'Projections1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name        text PRIMARY KEY,
        version     integer NOT NULL,
        commit_pos  xid8 NOT NULL DEFAULT '0',
        prepare_pos bigint NOT NULL DEFAULT 0,
        schema_name text NOT NULL,
        state       text NOT NULL DEFAULT 'running',
        error       jsonb,
        events_seen bigint NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection_checkpoints`);
  }
}
