import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { waitForProjection } from './read-model-position';

/** Waiting for a read model: a projection that stopped on an event it cannot apply is not waited out. */
describe('waitForProjection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, commit_pos, prepare_pos) VALUES ('behind', 1, 'rm_behind', '5', 5), ('stopped', 1, 'rm_stopped', '5', 5)`);
    await db.pool.query(`UPDATE projection_checkpoints SET state = 'failed', error = '{"message":"cannot apply"}' WHERE name = 'stopped'`);
  });
  afterAll(() => db.drop());
  const head = { commit: 9n, prepare: 9n };

  it('given a failed projection behind the position, then it answers false at once, not after the timeout', async () => {
    const started = Date.now();
    expect(await waitForProjection(db.pool, 'stopped', head, 20_000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('given a running projection behind the position, then it waits the timeout out and answers false', async () => {
    const started = Date.now();
    expect(await waitForProjection(db.pool, 'behind', head, 300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('given a failed projection already at the position, then it answers true (what it holds is up to there)', async () => {
    expect(await waitForProjection(db.pool, 'stopped', { commit: 5n, prepare: 5n }, 300)).toBe(true);
  });
});
