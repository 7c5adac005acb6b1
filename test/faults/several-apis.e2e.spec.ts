import { drive, seedCluster, startCluster, verify, type Cluster } from '../../apps/cli/src/bench/several-apis';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { MAIN } from '../support/processes';

/**
 * Three api processes (RUN_PROJECTOR=false) and one projector on one database, 64 concurrent
 * connections of mixed commands (campaign contacts, contacts, offers, sales) and queries on 12
 * shared customers for a few seconds, loopback only: no 5xx; every 201's events are in the log
 * exactly once, as answered, and no refusal appended any; the contact policy (one campaign contact
 * per customer per 7 days) holds although requests on one customer race through different
 * processes. Throughput and p99 against one process: `npm run bench -- --apis`.
 */
describe('several api processes on one database', () => {
  let db: TestDatabase;
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
    await db?.drop();
  });

  it('answers 64 racing connections without a 5xx, records every 201 exactly once and never exceeds a contact cap', async () => {
    db = await createTestDatabase();
    cluster = await startCluster(MAIN, db.url, 3);
    const customers = await seedCluster(cluster, 12);
    const { outcomes } = await drive(cluster, customers, { connections: 64, seconds: 8, seed: 7 });
    const verdict = await verify(db.pool, outcomes);
    console.log(`several apis: ${JSON.stringify({ requests: verdict.requests, byStatus: verdict.byStatus })}`);
    expect(verdict.requests).toBeGreaterThan(64);
    expect(verdict.serverErrors).toBe(0);
    expect(verdict.misrecorded).toEqual([]);
    expect(verdict.overCap).toEqual([]);
    // The cap was raced: more campaign contacts were tried than customers, and each customer got exactly one.
    const tried = outcomes.filter((o) => o.kind === 'campaign-contact');
    const accepted = tried.filter((o) => o.status === 201);
    expect(tried.length).toBeGreaterThan(customers.length);
    expect(new Set(accepted.map((o) => o.customerId)).size).toBe(accepted.length);
    expect(tried.filter((o) => o.status === 422).every((o) => o.code === 'CONTACT_LIMIT_REACHED')).toBe(true);
    // Commands went through (the clients take the three processes in turn).
    expect(outcomes.filter((o) => o.status === 201).length).toBeGreaterThan(20);
  }, 240_000);
});
