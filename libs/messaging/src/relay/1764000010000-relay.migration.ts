import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where the integration-event relay has got to in the store's global order. */
export class Relay1764000010000 implements MigrationInterface {
  readonly name = 'Relay1764000010000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE relay_checkpoints (name text PRIMARY KEY, position text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE relay_checkpoints`);
  }
}
