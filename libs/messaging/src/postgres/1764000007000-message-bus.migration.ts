import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The message bus on Postgres, for the embedded default: one log of messages and a committed offset per consumer group. */
export class MessageBus1764000007000 implements MigrationInterface {
  readonly name = 'MessageBus1764000007000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mb_messages (
        "offset"   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic      text NOT NULL,
        message_id text NOT NULL,
        key        text NOT NULL,
        value      jsonb NOT NULL,
        headers    jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mb_messages_topic_id_key UNIQUE (topic, message_id)
      )`);
    await q.query(`CREATE INDEX mb_messages_topic_idx ON mb_messages (topic, "offset")`);
    await q.query(`CREATE TABLE mb_offsets (group_id text NOT NULL, topic text NOT NULL, "offset" bigint NOT NULL, PRIMARY KEY (group_id, topic))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mb_offsets`);
    await q.query(`DROP TABLE mb_messages`);
  }
}
