import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const org = (type: string, data: object, at = BEGIN) => ({ stream: 'organisation', event: ev(type, data, at) });
const customer = (id: string, type: string, data: object, at: string) => ({ stream: `customer-${id}`, event: ev(type, { customerId: id, ...data }, at) });
const sale = (conversionId: string, customerId: string, revenue: string, at: string) =>
  customer(customerId, 'ConversionRecorded', { conversionId, staffId: 'x', productCode: 'DEP', amount: '1000.00', revenue, campaignId: null, referrerStaffId: null, referralId: null }, at);

/**
 * Staff ids the log never registered (only an imported log holds them: the commands credit registered
 * staff only). HO ─ BR1 ─ SB1; a1 registered in SB1. `ghost` is never registered but moved into SB1
 * (1 March 09:00 Beijing); `nobody` is neither registered nor moved. Each manages one customer; weight 1.
 *
 *   K1 (a1)      40.00  5 March 10:00           March, SB1
 *   K2 (ghost)   25.00 31 March 23:30           March (Beijing), SB1
 *   K2 (ghost)   99.00  1 April 00:30           April in Beijing (still 31 March in UTC), SB1
 *   K3 (nobody)  15.00 10 March 10:00           March, in no unit ('')
 *
 * The rule (README, staff-scorecard; the API's description): a unit's sums are every credit placed in it,
 * a ghost's too (what the unit sold); the people list and the people counts show registered people only
 * (a ghost has no name or role to show); a credit placed in no unit is in no unit's sums.
 */
const HISTORY = [
  org('ProductDefined', { productCode: 'DEP', weight: '1' }),
  ...[
    ['HO', null],
    ['BR1', 'HO'],
    ['SB1', 'BR1'],
  ].map(([unitId, parentId]) => org('OrgUnitOpened', { unitId, parentId, name: `unit ${unitId}`, level: 'branch', wealthCentre: false })),
  org('StaffMemberRegistered', { staffId: 'a1', displayName: 'a1', role: 'relationship_manager', unitId: 'SB1' }),
  org('StaffMemberMoved', { staffId: 'ghost', fromUnitId: 'SB9', toUnitId: 'SB1' }, '2026-03-01T09:00:00+08:00'),
  ...[
    ['K1', 'a1'],
    ['K2', 'ghost'],
    ['K3', 'nobody'],
  ].flatMap(([id, rm]) => [customer(id!, 'CustomerOnboarded', { homeUnitId: 'SB1' }, BEGIN), customer(id!, 'CustomerAssignedToManager', { staffId: rm }, '2026-01-02T09:00:00+08:00')]),
  sale('S1', 'K1', '40.00', '2026-03-05T10:00:00+08:00'),
  sale('S2', 'K2', '25.00', '2026-03-31T23:30:00+08:00'),
  sale('S3', 'K2', '99.00', '2026-04-01T00:30:00+08:00'),
  sale('S4', 'K3', '15.00', '2026-03-10T10:00:00+08:00'),
];

describe('staff scorecard: credits of staff ids the log never registered', () => {
  let db: TestDatabase;
  const ask = (period: string, orgUnit?: string) => withReadModels(db.pool, [staffScorecardProjection.name], (rm) => scorecard(rm, period, orgUnit));

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize: 3 });
  });
  afterAll(() => db.drop());

  it("sums a ghost's credits in the unit it was placed in, lists registered people only, and puts a credit placed in no unit in no unit's sums", async () => {
    const march = await ask('2026-03');
    // People: a1 only (40 points); ghost (SB1, 25) and nobody ('', 15) are not listed, nor counted as people.
    expect(march.people.map((p) => [p.staffId, p.unitId, p.score])).toEqual([['a1', 'SB1', 40]]);
    expect(march.peopleTotal).toBe(1);
    // SB1: a1's 40.00 and ghost's 25.00 (23:30 on 31 March Beijing: March) = 2 sales, 65.00, 65 points; 1 person.
    // nobody's 15.00 is in no unit; HO and BR1 sum SB1 only.
    expect(march.units.map((u) => [u.unitId, u.people, u.conversions, u.revenue, u.points])).toEqual([
      ['HO', 1, 2, '65.00', 65],
      ['BR1', 1, 2, '65.00', 65],
      ['SB1', 1, 2, '65.00', 65],
    ]);
    // April: ghost's 99.00 (00:30 on 1 April Beijing) in SB1's sums; a1, in SB1 all April, listed with 0 (the one person counted).
    const april = await ask('2026-04', 'SB1');
    expect(april.people.map((p) => [p.staffId, p.unitId, p.score])).toEqual([['a1', 'SB1', 0]]);
    expect([april.peopleTotal, april.units.map((u) => [u.unitId, u.people, u.conversions, u.revenue, u.points])]).toEqual([1, [['SB1', 1, 1, '99.00', 99]]]);
  });
});
