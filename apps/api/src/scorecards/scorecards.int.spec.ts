import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { parseRuleSet, scorecardAsOf } from '@app/read-models';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * A month of sales, referrals, a wealth-centre move, contacts, a complaint and an unsuitable
 * attempt, written through the API; every scorecard figure is worked out here by hand.
 * Weights: DEP-1Y 0.50, FUND-BOND 1.50, GOLD 1.00 points per CNY of revenue.
 */
describe('staff scorecards', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const march = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  // Sales are booked at the branch terminal (by the branch head here): the seller need not manage the customer.
  const sale = async (customerId: string, staffId: string, productCode: string, revenue: string, occurredAt: string, referrerStaffId?: string) => {
    // A referrer is credited only on the referral on file that names them.
    const referralId = referrerStaffId ? (await ok(c.as('head-br1').post('/api/interactions', { kind: 'referral', customerId, referrerStaffId, sellerStaffId: staffId, productCode, occurredAt }))).id : undefined;
    return ok(c.as('head-br1').post('/api/interactions', { kind: 'conversion', customerId, staffId, productCode, amount: '10000', revenue, occurredAt, referrerStaffId, referralId }));
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    const admin = c.as('admin');
    await ok(admin.post('/api/org/units', { unitId: 'WC', name: 'Wealth centre', level: 'sub_branch_1', parentId: 'BR1', wealthCentre: true }));
    await ok(admin.post('/api/org/staff', { staffId: 'wc1', displayName: 'WC manager', role: 'relationship_manager', unitId: 'WC' }));
    for (const id of ['A', 'W']) await seedCustomer(t, id, { tolerance: 'R2' });
    await seedCustomer(t, 'B', { tolerance: 'R3' });
    // Assigned (and W moved up to the centre) in February: maintenance adherence counts the customers assigned during the month.
    await ok(c.as('head-br1').post('/api/customers/A/manager', { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    await ok(c.as('head-br1').post('/api/customers/W/manager', { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    await ok(c.as('head-br1').post('/api/customers/W/transfer', { toStaffId: 'wc1', occurredAt: '2026-02-21T10:00:00+08:00' }));
    await ok(c.as('head-br1').post('/api/org/targets', { subjectId: 'rm1', period: '2026-03', points: '5000' }));
    await ok(c.as('head-br1').post('/api/org/targets', { subjectId: 'SB1', period: '2026-03', points: '10000' }));

    await sale('A', 'rm2', 'FUND-BOND', '1000.00', march(5)); // credited to A's manager rm1: 1,500 points
    await sale('B', 'rm2', 'GOLD', '500.00', march(6), 'rm1'); // B has no manager: rm2 sells, rm1 referred: 250 / 250
    await sale('W', 'wc1', 'DEP-1Y', '2000.00', march(7)); // W moved up to the centre: rm1 keeps 1,000; wc1 shadow 1,000
    const reversed = await sale('A', 'rm1', 'DEP-1Y', '400.00', march(8));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'reversal', customerId: 'A', conversionId: reversed.id, reason: 'x', occurredAt: march(9) }));
    // 00:30 on 1 April in Beijing is 16:30 on 31 March in UTC: the bank's April, not March.
    await sale('A', 'rm1', 'FUND-BOND', '100.00', '2026-04-01T00:30:00+08:00');

    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'A', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: march(3) }));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'B', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: march(3) }));
    const rm2Contact = await ok(c.as('rm2').post('/api/interactions', { kind: 'contact', customerId: 'B', staffId: 'rm2', channel: 'phone', outcome: 'ok', occurredAt: march(4) }));
    await ok(c.as('rm2').post('/api/interactions', { kind: 'complaint', customerId: 'B', category: 'service_quality', contactId: rm2Contact.id, occurredAt: march(11) }));
    const blocked = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId: 'A', staffId: 'rm1', productCode: 'FUND-EQ', occurredAt: march(12) });
    expect(blocked.body.error.code).toBe('OFFER_NOT_SUITABLE');
    last = (await c.as('admin').post('/api/org/targets', { subjectId: 'rm2', period: '2026-01', points: '1' })).body.position;
    // The machine may be busy (tests run in parallel): let the projector catch up before reading.
    await expectCaughtUp(t.runtime.projector!, 60_000);
  });
  afterAll(() => t.close());

  const get = async (path: string) => (await c.as('head-br1').get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${last}`)).body;

  it('credits each person by ownership, referral split and shadow, less penalties', async () => {
    const card = await get('/api/scorecards?period=2026-03&orgUnit=BR1');
    const person = (id: string) => card.people.find((p: { staffId: string }) => p.staffId === id);
    expect(person('rm1')).toMatchObject({
      conversions: 2, // A's sale (ownership) and W's (referring manager)
      referrals: 1, // B
      revenue: '3250.00', // 1000 + 250 + 2000
      points: 2750, // 1500 + 250 + 1000
      shadowPoints: 0,
      complaints: 0,
      unsuitableAttempts: 1,
      score: 2250, // 2750 − 500 for the unsuitable attempt
      contacts: 2,
      assignedCustomers: 1, // A (W went to the centre)
      maintenanceAdherence: 1, // A was contacted in March
      target: 5000,
      attainment: 0.45,
      rankInUnit: 1,
    });
    expect(person('rm2')).toMatchObject({ conversions: 1, referrals: 0, revenue: '250.00', points: 250, complaints: 1, score: 50, contacts: 1, assignedCustomers: 0, maintenanceAdherence: null, target: null });
    expect(person('wc1')).toMatchObject({ conversions: 0, points: 0, shadowPoints: 1000, score: 0, assignedCustomers: 1, maintenanceAdherence: 0 });
  });

  it('DOMAIN Contacts ("complaint rate is a campaign and staff quality figure"; 001 服务准则 4): gives each person\'s complaints per customer they contacted in the month', async () => {
    const card = await get('/api/scorecards?period=2026-03&orgUnit=BR1');
    const person = (id: string) => card.people.find((p: { staffId: string }) => p.staffId === id);
    // rm1 contacted A and B, no complaint: 0 / 2. rm2 contacted B once and drew one complaint: 1 / 1. wc1 contacted nobody.
    expect(person('rm1')).toMatchObject({ customersContacted: 2, complaints: 0, complaintRate: 0 });
    expect(person('rm2')).toMatchObject({ customersContacted: 1, complaints: 1, complaintRate: 1 });
    expect(person('wc1')).toMatchObject({ customersContacted: 0, complaints: 0, complaintRate: null });
  });

  it('rolls the people up every unit of the tree', async () => {
    const card = await get('/api/scorecards?period=2026-03&orgUnit=BR1');
    const unit = (id: string) => card.units.find((u: { unitId: string }) => u.unitId === id);
    // SB1 holds mkt-sb1 and rm1, and OUT1 below it holds rm2.
    expect(unit('SB1')).toMatchObject({ people: 3, conversions: 3, revenue: '3500.00', points: 3000, shadowPoints: 0, score: 2300, target: 10000, attainment: 0.23 });
    expect(unit('OUT1')).toMatchObject({ people: 1, conversions: 1, points: 250, score: 50 });
    expect(unit('WC')).toMatchObject({ people: 1, points: 0, shadowPoints: 1000 });
    // BR1: its own three (mkt-br1, appr-br1, head-br1) + SB1's three + WC's one.
    expect(unit('BR1')).toMatchObject({ people: 7, conversions: 3, revenue: '3500.00', points: 3000, shadowPoints: 1000, score: 2300 });
    expect(card.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual(['BR1', 'OUT1', 'SB1', 'WC']);
  });

  it('pages the people best first, equal scores by staff id, each ranked in their whole unit, with the total', async () => {
    const page = async (query: string) => {
      const card = await get(`/api/scorecards?period=2026-03&orgUnit=BR1${query}`);
      return [card.limit, card.offset, card.peopleTotal, card.people.map((p: { staffId: string; unitId: string; score: number; rankInUnit: number }) => [p.staffId, p.unitId, p.score, p.rankInUnit]), card.units.length];
    };
    // BR1's seven: rm1 2250 (SB1), rm2 50 (OUT1), then five at 0 by staff id: appr-br1, head-br1, mkt-br1 (BR1), mkt-sb1
    // (SB1: second there, after rm1), wc1 (WC). Every page carries all four units.
    expect(await page('')).toEqual([
      100,
      0,
      7,
      [
        ['rm1', 'SB1', 2250, 1],
        ['rm2', 'OUT1', 50, 1],
        ['appr-br1', 'BR1', 0, 1],
        ['head-br1', 'BR1', 0, 1],
        ['mkt-br1', 'BR1', 0, 1],
        ['mkt-sb1', 'SB1', 0, 2],
        ['wc1', 'WC', 0, 1],
      ],
      4,
    ]);
    expect(await page('&limit=2&offset=2')).toEqual([
      2,
      2,
      7,
      [
        ['appr-br1', 'BR1', 0, 1],
        ['head-br1', 'BR1', 0, 1],
      ],
      4,
    ]);
    expect(await page('&limit=2&offset=5')).toEqual([2, 5, 7, [['mkt-sb1', 'SB1', 0, 2], ['wc1', 'WC', 0, 1]], 4]);
    expect(await page('&limit=500&offset=7')).toEqual([500, 7, 7, [], 4]);
  });

  it('pages a relationship manager through their own rows only, ranked in their unit', async () => {
    const card = (await c.as('rm1').get(`/api/scorecards?period=2026-03&limit=1&minPosition=${last}`)).body;
    expect([card.peopleTotal, card.people.map((p: { staffId: string; rankInUnit: number }) => [p.staffId, p.rankInUnit]), card.units.map((u: { unitId: string }) => u.unitId)]).toEqual([1, [['rm1', 1]], ['SB1']]);
  });

  it('refuses a page out of bounds (400 INVALID_LIMIT, INVALID_OFFSET)', async () => {
    const refused = async (query: string) => {
      const r = await c.as('head-br1').get(`/api/scorecards?period=2026-03${query}`);
      return [r.status, r.body.error.code];
    };
    expect(await refused('&limit=0')).toEqual([400, 'INVALID_LIMIT']);
    expect(await refused('&limit=501')).toEqual([400, 'INVALID_LIMIT']);
    expect(await refused('&limit=ten')).toEqual([400, 'INVALID_LIMIT']);
    expect(await refused('&limit=2.5')).toEqual([400, 'INVALID_LIMIT']);
    expect(await refused('&offset=-1')).toEqual([400, 'INVALID_OFFSET']);
    expect(await refused('&offset=1.5')).toEqual([400, 'INVALID_OFFSET']);
  });

  it('shows one person with the credits behind their figures', async () => {
    const rm1 = await get('/api/scorecards/rm1?period=2026-03');
    expect(rm1.points).toBe(2750);
    expect(rm1.credits.map((x: { customerId: string; kind: string; points: number; reversed: boolean }) => [x.customerId, x.kind, x.points, x.reversed])).toEqual([
      ['A', 'sale', 1500, false],
      ['B', 'referral', 250, false],
      ['W', 'sale', 1000, false],
      ['A', 'sale', 200, true],
    ]);
  });

  it('keeps April apart from March by the bank\'s calendar (Asia/Shanghai), not UTC', async () => {
    const april = await get('/api/scorecards/rm1?period=2026-04');
    expect(april).toMatchObject({ conversions: 1, revenue: '100.00', points: 150 });
  });

  describe('DOMAIN Cross-sell credit ("default 50/50, configurable") and Staff scorecards ("Complaints and mis-selling reduce the score"): under the organisation\'s settings in force when each happened', () => {
    const may = (day: number) => `2026-05-${String(day).padStart(2, '0')}T10:00:00.000Z`;
    const complaintAbout = async (staffId: string, customerId: string, day: number) => {
      const contact = await ok(c.as(staffId).post('/api/interactions', { kind: 'contact', customerId, staffId, channel: 'phone', outcome: 'ok', occurredAt: may(day) }));
      await ok(c.as(staffId).post('/api/interactions', { kind: 'complaint', customerId, category: 'pushy_sale', contactId: contact.id, occurredAt: may(day) }));
    };
    const unsuitable = async (day: number) => {
      const r = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId: 'A', staffId: 'rm1', productCode: 'FUND-EQ', occurredAt: may(day) });
      expect(r.body.error.code).toBe('OFFER_NOT_SUITABLE');
    };

    beforeAll(async () => {
      // Under the defaults: referral 50/50, complaint −200, unsuitable attempt −500.
      await sale('B', 'rm2', 'GOLD', '500.00', may(2), 'rm1');
      await complaintAbout('rm2', 'B', 3);
      await unsuitable(4);
      // The bank changes its rules: referrer 20%, complaint −100, unsuitable attempt −300.
      await ok(c.as('admin').post('/api/org/scoring-rules', { referralShare: 0.2, complaintPenalty: 100, unsuitablePenalty: 300 }));
      await sale('B', 'rm2', 'GOLD', '1000.00', may(12), 'rm1');
      await complaintAbout('rm2', 'B', 13);
      await unsuitable(14);
      await expectCaughtUp(t.runtime.projector!, 60_000);
    });

    it('credits each sale at the split of its time and takes off each penalty at the amount of its time', async () => {
      const card = await get('/api/scorecards?period=2026-05&orgUnit=BR1');
      const person = (id: string) => card.people.find((p: { staffId: string }) => p.staffId === id);
      // GOLD weighs 1.00. Sale 1: 500.00 split 250 / 250. Sale 2: 1,000.00 split 200 (rm1, 20%) / 800 (rm2).
      // rm1: 250 + 200 = 450 points; unsuitable attempts −500 (before) −300 (after) → −350.
      expect(person('rm1')).toMatchObject({ referrals: 2, conversions: 0, revenue: '450.00', points: 450, unsuitableAttempts: 2, score: -350 });
      // rm2: 250 + 800 = 1,050 points; complaints −200 (before) −100 (after) → 750.
      expect(person('rm2')).toMatchObject({ referrals: 0, conversions: 2, revenue: '1050.00', points: 1050, complaints: 2, score: 750 });
    });

    it('keeps March as it was scored', async () => {
      const card = await get('/api/scorecards?period=2026-03&orgUnit=BR1');
      expect(card.people.find((p: { staffId: string }) => p.staffId === 'rm1')).toMatchObject({ points: 2750, score: 2250 });
      expect(card.people.find((p: { staffId: string }) => p.staffId === 'rm2')).toMatchObject({ points: 250, score: 50 });
    });

    it('lets a what-if rule set override a setting throughout, the others staying as they were in force', async () => {
      const answer = await scorecardAsOf(t.db.pool, t.runtime.store, { period: '2026-05', orgUnit: 'BR1', rules: parseRuleSet('{"scoring": {"referralShare": 0.5}}', 'r.json') });
      const person = (id: string) => answer.people.find((p) => p.staffId === id)!;
      // Both sales split 50/50: rm1 250 + 500 = 750, rm2 250 + 500 = 750; the penalties as they were in force.
      expect(person('rm1')).toMatchObject({ points: 750, score: 750 - 500 - 300 });
      expect(person('rm2')).toMatchObject({ points: 750, score: 750 - 200 - 100 });
    });
  });

  it('refuses a malformed period (400) and an unknown unit (404)', async () => {
    expect((await c.as('head-br1').get('/api/scorecards?period=March')).body.error.code).toBe('INVALID_PERIOD');
    expect((await c.as('head-br1').get('/api/scorecards?period=2026-03&orgUnit=NOPE')).status).toBe(404);
  });
});
