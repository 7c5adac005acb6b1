import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stream ids are compared by their bytes (`COLLATE "C"`), whatever the database's collation. Every
 * append descends `es_streams_pkey` twice per stream (the claim's lock, then its update) and
 * `es_events_stream_position_key` once per event, and sorts the claimed ids; in a database whose
 * collation is a locale's (even libc's `C.UTF-8`, which is not C's fast path), each of those
 * comparisons went through the locale (`strcoll`). Ids are only ever matched for equality and
 * ordered to lock in one order, which bytes do as well: equality is the same, and every claim
 * sorts by this same column, so concurrent batches still lock in one order. Altering a column's
 * collation rewrites no row; the two indexes on it are rebuilt (under the table's lock, once).
 */
export class EventStoreStreamIdsByBytes1764000019900 implements MigrationInterface {
  readonly name = 'EventStoreStreamIdsByBytes1764000019900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE es_streams ALTER COLUMN stream_id TYPE text COLLATE "C"`);
    await q.query(`ALTER TABLE es_events ALTER COLUMN stream_id TYPE text COLLATE "C"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE es_events ALTER COLUMN stream_id TYPE text COLLATE "default"`);
    await q.query(`ALTER TABLE es_streams ALTER COLUMN stream_id TYPE text COLLATE "default"`);
  }
}
