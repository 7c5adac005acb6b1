import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who the customers are, as campaign audiences are chosen: one row per customer, no personal data. */
export class CustomerDirectory1764000002000 implements MigrationInterface {
  readonly name = 'CustomerDirectory1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_directory (
        customer_id  text PRIMARY KEY,
        home_unit_id text NOT NULL,
        segment      text NOT NULL,
        gender       text NOT NULL,
        tier         text NOT NULL DEFAULT 'ordinary',
        manager_id   text,
        holdings     text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX customer_directory_unit_idx ON customer_directory (home_unit_id, tier)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE customer_directory`);
  }
}
