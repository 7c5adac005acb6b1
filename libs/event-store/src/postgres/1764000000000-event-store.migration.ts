import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log. `(transaction_id, global_position)` is the global read order: readers only
 * see transactions older than the oldest one still in flight, so a late commit is never skipped.
 */
export class EventStore1764000000000 implements MigrationInterface {
  readonly name = 'EventStore1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE es_streams (
        stream_id text PRIMARY KEY,
        revision  bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE es_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_position bigint NOT NULL,
        event_id        uuid NOT NULL,
        type            text NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT es_events_stream_position_key UNIQUE (stream_id, stream_position),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id)
      )`);
    await q.query(`CREATE INDEX es_events_global_order_idx ON es_events (transaction_id, global_position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE es_events`);
    await q.query(`DROP TABLE es_streams`);
  }
}
