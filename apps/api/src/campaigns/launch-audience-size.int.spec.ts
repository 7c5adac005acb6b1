import { OrganisationDirectory } from '@app/application';
import { campaignAudience, customerDirectoryProjection, withReadModels } from '@app/read-models';
import { seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * The launch's audience at a bank's size: one home unit and tier holding 200,000 customers (a
 * launch to 1M customers has cells of several hundred thousand). The ids of a cell were once
 * spread into `push`'s arguments, which overflows the call stack past about 120,000 ids: the
 * launch to 1M customers failed with "Maximum call stack size exceeded" before enrolling anyone.
 * The directory rows are copies of one customer onboarded through the API (the query is under
 * test, not the projection), each under its own id.
 */
const COPIES = 200_000;

describe('the audience of a launch with 200,000 customers in one unit and tier', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    await seedCustomer(t, 'ZZ-ORIGINAL', { gender: 'F' });
    await t.runtime.projector!.catchUp(60_000);
    await withReadModels(
      t.runtime.db.pool,
      [customerDirectoryProjection.name],
      (db) =>
        db.query(`INSERT INTO customer_directory
                  SELECT (jsonb_populate_record(d, jsonb_build_object('customer_id', 'C' || lpad(i::text, 6, '0')))).*
                  FROM customer_directory d, generate_series(1, ${COPIES}) i WHERE d.customer_id = 'ZZ-ORIGINAL'`),
      { readOnly: false, statementTimeoutMs: 120_000 },
    );
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists every one of them once, in id order', async () => {
    const org = await t.app.get(OrganisationDirectory).current();
    const plan = {
      ownerUnitId: 'BR1',
      productCodes: ['DEP-1Y'],
      channels: ['phone' as const],
      audience: { tiers: [], segments: [], unitIds: [], genders: ['F'], holdsAnyOf: [], holdsNoneOf: [] },
      period: { start: '2026-01-01', end: '2030-01-01' },
    };
    const audience = await withReadModels(t.runtime.db.pool, [customerDirectoryProjection.name], (db) =>
      campaignAudience(db, plan as unknown as Parameters<typeof campaignAudience>[1], 'K-HUGE', org, '2026-06-20T09:00:00+08:00'),
    );
    // The copies C000001 … C200000 and the original, 'C…' sorting before 'ZZ…'.
    expect(audience.customerIds).toHaveLength(COPIES + 1);
    expect(audience.customerIds[0]).toBe('C000001');
    expect(audience.customerIds[COPIES - 1]).toBe('C200000');
    expect(audience.customerIds[COPIES]).toBe('ZZ-ORIGINAL');
    expect(new Set(audience.customerIds).size).toBe(COPIES + 1);
  }, 120_000);
});
