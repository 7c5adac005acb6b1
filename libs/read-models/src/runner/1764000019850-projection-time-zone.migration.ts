import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bank's zone each build's calendar cuts were made in (`Projection.dependsOnTimeZone`; null for
 * a projection that stores none): the runner rebuilds a projection whose zone is not the one in force.
 * A build from before this column is taken to be in the zone in force when the runner next starts.
 */
export class ProjectionTimeZone1764000019850 implements MigrationInterface {
  readonly name = 'ProjectionTimeZone1764000019850';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_checkpoints ADD COLUMN time_zone text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_checkpoints DROP COLUMN time_zone`);
  }
}
