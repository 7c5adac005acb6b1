import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { inSchemas, ReadTimedOut } from './read-model-position';

/** Every read-model answer is read in one snapshot, read-only, under a statement time limit. */
describe('reading read models', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`CREATE SCHEMA rm_test; CREATE TABLE rm_test.figures (n int); INSERT INTO rm_test.figures VALUES (1)`);
  });
  afterAll(() => db.drop());

  it('sees one snapshot for the whole answer, whatever commits meanwhile', async () => {
    const seen = await inSchemas(db.pool, ['rm_test'], async (q) => {
      const first = (await q.query(`SELECT count(*)::int AS n FROM figures`)).rows[0].n;
      await db.pool.query(`INSERT INTO rm_test.figures VALUES (2)`); // a projector batch commits between two statements
      const second = (await q.query(`SELECT count(*)::int AS n FROM figures`)).rows[0].n;
      return [first, second];
    });
    expect(seen).toEqual([1, 1]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM rm_test.figures`)).rows[0].n).toBe(2);
  });

  it('refuses to write through a read', async () => {
    await expect(inSchemas(db.pool, ['rm_test'], (q) => q.query(`INSERT INTO figures VALUES (3)`))).rejects.toThrow(/read-only transaction/);
  });

  it('cancels a statement that runs past the limit with a ReadTimedOut, and the connection is fine after', async () => {
    await expect(inSchemas(db.pool, ['rm_test'], (q) => q.query(`SELECT pg_sleep(2)`), { statementTimeoutMs: 100 })).rejects.toBeInstanceOf(ReadTimedOut);
    expect(await inSchemas(db.pool, ['rm_test'], async (q) => (await q.query(`SELECT count(*)::int AS n FROM figures`)).rows[0].n)).toBe(2);
  });
});
