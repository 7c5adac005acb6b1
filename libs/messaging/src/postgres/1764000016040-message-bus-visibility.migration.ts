import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bus reads like the event store: in (transaction id, offset) order, only below the oldest
 * transaction still in flight, so a message whose transaction commits after a higher offset was
 * consumed is delivered, not skipped. Existing messages and committed offsets share this
 * migration's transaction id, so the order among them stays the offset order.
 */
export class MessageBusVisibility1764000016040 implements MigrationInterface {
  readonly name = 'MessageBusVisibility1764000016040';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mb_messages ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`DROP INDEX mb_messages_topic_idx`);
    await q.query(`CREATE INDEX mb_messages_topic_order_idx ON mb_messages (topic, transaction_id, "offset")`);
    await q.query(`ALTER TABLE mb_offsets ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`ALTER TABLE mb_offsets ALTER COLUMN transaction_id DROP DEFAULT`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mb_offsets DROP COLUMN transaction_id`);
    await q.query(`DROP INDEX mb_messages_topic_order_idx`);
    await q.query(`CREATE INDEX mb_messages_topic_idx ON mb_messages (topic, "offset")`);
    await q.query(`ALTER TABLE mb_messages DROP COLUMN transaction_id`);
  }
}
