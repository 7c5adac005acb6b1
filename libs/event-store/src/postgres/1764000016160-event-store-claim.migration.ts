import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SQLSTATE `es_claim` raises when an expected revision does not hold (a class of its own, not a standard one). */
export const CLAIM_FAILED = 'ES409';

/**
 * `es_claim(ids, expected, last)`: moves each stream's head from `expected` (-1: the stream must not
 * exist) to `last`, or raises `ES409` when any of them is elsewhere. Raising is the point: the
 * append sends the claim, the COPY of its events and the commit as one message, and an error is
 * what stops the server before the COPY and rolls the whole message back. Callers pass the ids
 * sorted, and existing heads are locked in that order, so two batches cannot deadlock.
 */
export class EventStoreClaim1764000016160 implements MigrationInterface {
  readonly name = 'EventStoreClaim1764000016160';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION es_claim(ids text[], expected bigint[], last bigint[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        claimed bigint;
      BEGIN
        IF cardinality(ids) > 1 THEN
          PERFORM 1 FROM es_streams WHERE stream_id = ANY (ids) ORDER BY stream_id FOR UPDATE;
        END IF;
        WITH wanted AS (SELECT * FROM unnest(ids, expected, last) AS w(stream_id, expected, last)),
        moved AS (
          UPDATE es_streams s SET revision = w.last FROM wanted w
          WHERE w.expected >= 0 AND s.stream_id = w.stream_id AND s.revision = w.expected
          RETURNING 1),
        created AS (
          INSERT INTO es_streams (stream_id, revision)
          SELECT w.stream_id, w.last FROM wanted w WHERE w.expected = -1 ORDER BY w.stream_id
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING 1)
        SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM created) INTO claimed;
        IF claimed <> cardinality(ids) THEN
          RAISE EXCEPTION USING ERRCODE = '${CLAIM_FAILED}', MESSAGE = 'an expected stream revision does not hold';
        END IF;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION es_claim(text[], bigint[], bigint[])`);
  }
}
