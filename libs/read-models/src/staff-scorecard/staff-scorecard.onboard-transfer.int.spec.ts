import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const B = '2026-01-01T00:00:00+08:00';
const o = (event: NewEvent) => ({ stream: 'organisation', event });
const c = (id: string, event: NewEvent) => ({ stream: `customer-${id}`, event });

/**
 * A customer onboarded into a team of a centre (WT1 under WC1) and moved to another centre (WC2) in the same batch: the
 * unit the transfer leaves comes from the batch's onboarding, not from the stays in the tables, and must be read too, or
 * WT1 counts as outside any centre and becomes the referring sub-branch (rmT the referrer). Found in review: batches of
 * 1 gave no referrer, batches of 1000 gave rmT 150 points and rmW 150 shadow points.
 */
const ORG = [
  o(ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, B)),
  ...(
    [
      ['HO', null, false],
      ['BR1', 'HO', false],
      ['WC1', 'BR1', true],
      ['WT1', 'WC1', false],
      ['WC2', 'BR1', true],
    ] as const
  ).map(([u, p, w]) => o(ev('OrgUnitOpened', { unitId: u, parentId: p, name: u, level: 'sub_branch_1', wealthCentre: w }, B))),
  ...[
    ['rmT', 'WT1'],
    ['rmW', 'WC2'],
  ].map(([s, u]) => o(ev('StaffMemberRegistered', { staffId: s, displayName: s, role: 'relationship_manager', unitId: u }, B))),
];
const CUSTOMER = [
  c('C9', ev('CustomerOnboarded', { customerId: 'C9', homeUnitId: 'WT1' }, B)),
  c('C9', ev('CustomerAssignedToManager', { customerId: 'C9', staffId: 'rmT' }, '2026-01-02T09:00:00+08:00')),
  c('C9', ev('CustomerTransferred', { customerId: 'C9', fromUnitId: 'WT1', toUnitId: 'WC2', fromStaffId: 'rmT', toStaffId: 'rmW', crossBranch: false }, '2026-03-01T10:00:00+08:00')),
  c('C9', ev('CustomerAssignedToManager', { customerId: 'C9', staffId: 'rmW' }, '2026-03-01T10:00:00+08:00')),
  c('C9', ev('ConversionRecorded', { conversionId: 'S9', customerId: 'C9', staffId: 'rmW', productCode: 'DEP', amount: '100.00', revenue: '100.00', campaignId: null, referrerStaffId: null, referralId: null }, '2026-03-10T10:00:00+08:00')),
];

describe('staff scorecard: a customer onboarded into a centre team and moved to another centre in one batch', () => {
  const dbs: TestDatabase[] = [];
  afterAll(() => Promise.all(dbs.map((d) => d.drop())));

  it.each([[1], [1000]])('March is the same whatever the batch size: batches of %i', async (batchSize) => {
    const db = await createTestDatabase();
    dbs.push(db);
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const { stream, event } of ORG) await store.appendToStream(stream, [event], 'any');
    await projectToEnd(store, db.pool, [staffScorecardProjection], { batchSize: 1 });
    for (const { stream, event } of CUSTOMER) await store.appendToStream(stream, [event], 'any');
    await projectToEnd(store, db.pool, [staffScorecardProjection], { batchSize });
    const march = await withReadModels(db.pool, [staffScorecardProjection.name], (rm) => scorecard(rm, '2026-03'));
    const who = march.people.filter((p) => p.points || p.shadowPoints).map((p) => ({ staffId: p.staffId, unitId: p.unitId, points: p.points, shadowPoints: p.shadowPoints }));
    // Onboarded in a centre (its team), moved to another centre: no referring sub-branch; the sale is rmW's plainly:
    // 100.00 × weight 1.5 = 150 points, no shadow.
    expect(who).toEqual([{ staffId: 'rmW', unitId: 'WC2', points: 150, shadowPoints: 0 }]);
  }, 120_000);
});
