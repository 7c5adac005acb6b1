import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { crossSellingProjection } from './cross-selling.projection';
import { attritionByProducts, campaignCrossSell, crossSellRatio, referralStats } from './cross-selling.query';

const ev = (type: string, data: object, occurredAt = '2026-01-15T00:00:00.000Z'): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt, schemaVersion: 1 },
});
const snap = (customerId: string, month: string, assets: string, holdings: string[]) =>
  ev('BalanceSnapshotRecorded', { customerId, month, averageDailyAssets: assets, holdings }, `${month}-28T00:00:00.000Z`);

describe('cross-selling read model', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    const append = (streamId: string, events: NewEvent[]) => store.appendToStream(streamId, events, 'any');
    // X (SB1): 1 product in Jan, 3 in Mar. Y (SB1): 2 then 2. Z (SB2): 1, then empty Feb–Apr: lost from Feb.
    await append('customer-X', [ev('CustomerOnboarded', { customerId: 'X', homeUnitId: 'SB1' }), snap('X', '2026-01', '1000', ['DEP']), snap('X', '2026-03', '5000', ['DEP', 'FUND', 'GOLD'])]);
    await append('customer-Y', [ev('CustomerOnboarded', { customerId: 'Y', homeUnitId: 'SB1' }), snap('Y', '2026-01', '1000', ['DEP', 'CARD']), snap('Y', '2026-03', '1000', ['DEP', 'CARD'])]);
    await append('customer-Z', [
      ev('CustomerOnboarded', { customerId: 'Z', homeUnitId: 'SB2' }),
      snap('Z', '2026-01', '10', ['DEP']),
      snap('Z', '2026-02', '0', []),
      snap('Z', '2026-03', '0', []),
      snap('Z', '2026-04', '0', []),
    ]);
    // K launched in February: X treatment, Y control.
    await append('campaign-K', [ev('CampaignLaunched', { campaignId: 'K' }, '2026-02-01T00:00:00.000Z')]);
    await append('customer-X', [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'X', group: 'treatment' })]);
    await append('customer-Y', [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'Y', group: 'control' })]);
    // Referrals: teller → rm1 twice (one converted), teller → rm2 once (not converted).
    await append('customer-X', [
      ev('CrossSellReferred', { referralId: 'R1', customerId: 'X', referrerStaffId: 'teller', sellerStaffId: 'rm1', productCode: 'FUND' }),
      ev('ConversionRecorded', { conversionId: 'V1', customerId: 'X', staffId: 'rm1', productCode: 'FUND', amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: 'teller', referralId: 'R1' }),
      ev('CrossSellReferred', { referralId: 'R2', customerId: 'X', referrerStaffId: 'teller', sellerStaffId: 'rm1', productCode: 'GOLD' }),
    ]);
    await append('customer-Y', [ev('CrossSellReferred', { referralId: 'R3', customerId: 'Y', referrerStaffId: 'teller', sellerStaffId: 'rm2', productCode: 'GOLD' })]);
    // teller → rm2 once more (R4), converted by V4 ...
    await append('customer-Y', [
      ev('CrossSellReferred', { referralId: 'R4', customerId: 'Y', referrerStaffId: 'teller', sellerStaffId: 'rm2', productCode: 'FUND' }),
      ev('ConversionRecorded', { conversionId: 'V4', customerId: 'Y', staffId: 'rm2', productCode: 'FUND', amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: 'teller', referralId: 'R4' }),
    ]);
    const project = () => projectToEnd(store, db.pool, [crossSellingProjection], { batchSize: 7, timeoutMs: 20_000 });
    await project();
    // ... which is reversed after V4 was projected: the reversal finds the referral in the table.
    await append('customer-Y', [ev('ConversionReversed', { conversionId: 'V4', customerId: 'Y', reasonNote: null })]);
    await project();
  });
  afterAll(() => db.drop());

  const q = <T>(f: (rm: any) => Promise<T>) => withReadModels(db.pool, ['cross-selling'], f);

  it('gives products per customer by month and unit', async () => {
    const ratio = await q((rm) => crossSellRatio(rm, '2026-01', '2026-03'));
    expect(ratio).toEqual([
      { month: '2026-01', unitId: null, customers: 3, productsPerCustomer: (1 + 2 + 1) / 3 },
      { month: '2026-01', unitId: 'SB1', customers: 2, productsPerCustomer: 1.5 },
      { month: '2026-01', unitId: 'SB2', customers: 1, productsPerCustomer: 1 },
      { month: '2026-02', unitId: null, customers: 1, productsPerCustomer: 0 },
      { month: '2026-02', unitId: 'SB2', customers: 1, productsPerCustomer: 0 },
      { month: '2026-03', unitId: null, customers: 3, productsPerCustomer: (3 + 2 + 0) / 3 },
      { month: '2026-03', unitId: 'SB1', customers: 2, productsPerCustomer: 2.5 },
      { month: '2026-03', unitId: 'SB2', customers: 1, productsPerCustomer: 0 },
    ]);
  });

  it('compares products per customer before and after a campaign, treatment against control', async () => {
    expect(await q((rm) => campaignCrossSell(rm, 'K'))).toEqual([
      { group: 'control', customers: 1, productsPerCustomerBefore: 2, productsPerCustomerAfter: 2 },
      { group: 'treatment', customers: 1, productsPerCustomerBefore: 1, productsPerCustomerAfter: 3 },
    ]);
  });

  it('gives referral conversion per referrer and per seller', async () => {
    expect(await q((rm) => referralStats(rm))).toEqual({
      // R1 converted; R4's sale was reversed, so it counts as a referral not converted.
      byReferrer: [{ staffId: 'teller', referrals: 4, converted: 1, conversionRate: 1 / 4 }],
      bySeller: [
        { staffId: 'rm1', referrals: 2, converted: 1, conversionRate: 0.5 },
        { staffId: 'rm2', referrals: 2, converted: 0, conversionRate: 0 },
      ],
    });
  });

  it('counts attrition by the number of products held', async () => {
    // Z held at most 1 product before going empty for 3 months; X held 3; Y held 2.
    expect(await q((rm) => attritionByProducts(rm, 90))).toEqual([
      { productsHeld: 1, customers: 1, lost: 1, attritionRate: 1 },
      { productsHeld: 2, customers: 1, lost: 0, attritionRate: 0 },
      { productsHeld: 3, customers: 1, lost: 0, attritionRate: 0 },
    ]);
    // With a 120-day rule, Z's three empty months are not enough.
    expect((await q((rm) => attritionByProducts(rm, 120))).find((r) => r.productsHeld === 1)).toMatchObject({ lost: 0 });
  });
});
