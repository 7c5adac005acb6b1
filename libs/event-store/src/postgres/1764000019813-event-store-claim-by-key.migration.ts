import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `es_claim` moves each head it claims by its key, never by a scan of `es_streams`. Given the
 * batch's size, the planner would join the claimed heads to all of `es_streams` by hashing the
 * whole table when the batch is a sizeable share of it (a launch's 2,000 streams against 100,000:
 * the seq scan and hash of every head, per batch, cost 2.3× the claim's CPU by key). A claim
 * touches only the streams it names, one `es_streams_pkey` look-up each, so the function plans
 * its statements without hash or merge joins (the setting holds inside the function only).
 */
export class EventStoreClaimByKey1764000019813 implements MigrationInterface {
  readonly name = 'EventStoreClaimByKey1764000019813';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION es_claim(text[], bigint[], bigint[]) SET enable_hashjoin = off`);
    await q.query(`ALTER FUNCTION es_claim(text[], bigint[], bigint[]) SET enable_mergejoin = off`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION es_claim(text[], bigint[], bigint[]) RESET enable_hashjoin`);
    await q.query(`ALTER FUNCTION es_claim(text[], bigint[], bigint[]) RESET enable_mergejoin`);
  }
}
