import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every rewrite of a stored event (erasure's scrub of legacy free text): which, when, why. */
export class EventRewrites1764000016090 implements MigrationInterface {
  readonly name = 'EventRewrites1764000016090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE es_rewrites (
        global_position bigint NOT NULL,
        event_id        uuid NOT NULL,
        stream_id       text NOT NULL,
        type            text NOT NULL,
        from_version    integer NOT NULL,
        to_version      integer NOT NULL,
        reason          text NOT NULL,
        rewritten_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX es_rewrites_event_idx ON es_rewrites (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE es_rewrites`);
  }
}
