import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Pool } from 'pg';
import { waitForProjection, withReadModels } from './read-model-position';

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

/**
 * Issue 13 item 5: a rebuild that switches a projection to a new schema just after an answer has
 * looked its schema up must not give the answer one build's figures with the other build's
 * position. The lookup is the first statement of the answer's snapshot, so both come from one commit.
 */
describe('withReadModels when a rebuild switches schemas as the answer starts', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Blue holds 7 customers at position 10/10; green, the rebuild, holds 9 at 20/20.
    await db.pool.query(`CREATE SCHEMA rm_swap_blue; CREATE TABLE rm_swap_blue.figures (customers int); INSERT INTO rm_swap_blue.figures VALUES (7)`);
    await db.pool.query(`CREATE SCHEMA rm_swap_green; CREATE TABLE rm_swap_green.figures (customers int); INSERT INTO rm_swap_green.figures VALUES (9)`);
    await db.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, commit_pos, prepare_pos) VALUES ('swapped', 1, 'rm_swap_blue', '10', 10)`);
  });
  afterAll(() => db.drop());

  /** The pool, except that the switch-over commits (on a connection of its own) right after the schema lookup, once. */
  function switchingAfterLookup(pool: Pool, dropOld = false): Pool {
    let switched = false;
    const afterLookup = async (sql: unknown) => {
      if (switched || !String(sql).includes('FROM projection_checkpoints WHERE name = ANY')) return;
      switched = true;
      await pool.query(`UPDATE projection_checkpoints SET schema_name = 'rm_swap_green', commit_pos = '20', prepare_pos = 20 WHERE name = 'swapped'`);
      // As the runner does right after switching over: the old build's schema goes.
      if (dropOld) await pool.query(`DROP SCHEMA rm_swap_blue CASCADE`);
    };
    const wrapQuery = <Q extends (...a: any[]) => Promise<any>>(q: Q, self: object) =>
      (async (...args: any[]) => {
        const result = await q.apply(self, args);
        await afterLookup(args[0]);
        return result;
      }) as unknown as Q;
    return {
      query: wrapQuery(pool.query, pool),
      connect: async () => {
        const client = await pool.connect();
        return Object.assign(Object.create(client), { query: wrapQuery(client.query, client), release: (e?: Error) => client.release(e) });
      },
    } as unknown as Pool;
  }

  it('given a switch-over committed between the lookup and the figures, then the figures and the position are of one build', async () => {
    const answer = await withReadModels(switchingAfterLookup(db.pool), ['swapped'], async (q) => ({
      customers: (await q.query(`SELECT customers FROM figures`)).rows[0].customers as number,
      position: (await q.query(`SELECT commit_pos::text AS c FROM projection_checkpoints WHERE name = 'swapped'`)).rows[0].c as string,
    }));
    // The switch-over did commit (the next answer reads green), but this one is all blue: 7 customers at 10.
    expect((await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = 'swapped'`)).rows[0].schema_name).toBe('rm_swap_green');
    expect(answer).toEqual({ customers: 7, position: '10' });
  });

  it('given a switch-over that also drops the old schema between the lookup and the figures, then the answer is asked again and is all of the new build, not a 500', async () => {
    await db.pool.query(`UPDATE projection_checkpoints SET schema_name = 'rm_swap_blue', commit_pos = '10', prepare_pos = 10 WHERE name = 'swapped'`);
    let asked = 0;
    const answer = await withReadModels(switchingAfterLookup(db.pool, true), ['swapped'], async (q) => {
      asked++;
      return {
        customers: (await q.query(`SELECT customers FROM figures`)).rows[0].customers as number,
        position: (await q.query(`SELECT commit_pos::text AS c FROM projection_checkpoints WHERE name = 'swapped'`)).rows[0].c as string,
      };
    });
    // The first attempt found "figures" gone (42P01); the second read green: 9 customers at 20.
    expect({ asked, answer }).toEqual({ asked: 2, answer: { customers: 9, position: '20' } });
  });
});
