import { api, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

describe('customers through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const eventsOf = (streamId: string) => storedEvents(t, streamId);

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  it('onboards a customer into the sub-branch with most assets, then recomputes the tier monthly', async () => {
    const r = await c.as('rm1').post('/api/customers', { customerId: 'T1', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '100', SB2: '50' } });
    expect(r.status).toBe(201);
    // Balances come from the core-banking feed (admin).
    const feed = c.as('admin');
    await feed.post('/api/customers/T1/balances', { month: '2026-01', averageDailyAssets: '1000000' });
    await feed.post('/api/customers/T1/balances', { month: '2026-02', averageDailyAssets: '2000000' });
    const march = await feed.post('/api/customers/T1/balances', { month: '2026-03', averageDailyAssets: '1500000', holdings: ['DEP-1Y'] });
    // Mar: (1,000,000 + 2,000,000 + 1,500,000) / 3 = 1,500,000: still platinum, no change.
    expect(march.body.events).toEqual(['BalanceSnapshotRecorded']);
    const changes = (await eventsOf('customer-T1')).filter((e) => e.type === 'CustomerTierChanged');
    // Jan: 1,000,000 → standard; Feb: (1,000,000 + 2,000,000) / 2 = 1,500,000 → platinum.
    expect(changes.map((e) => [e.data.month, e.data.from, e.data.to, e.data.threeMonthAverage])).toEqual([
      ['2026-01', 'ordinary', 'standard', '1000000.00'],
      ['2026-02', 'standard', 'platinum', '1500000.00'],
    ]);
  });

  it('refuses onboarding twice (409) and a month out of order (409)', async () => {
    const again = await c.as('rm1').post('/api/customers', { customerId: 'T1', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '1' } });
    expect(again.status).toBe(409);
    const old = await c.as('admin').post('/api/customers/T1/balances', { month: '2026-02', averageDailyAssets: '1' });
    expect(old.status).toBe(409);
    expect(old.body.error.code).toBe('SNAPSHOT_OUT_OF_ORDER');
  });

  it('DOMAIN Organisation (客户申领, 004 篇九 第九条): a claim for a customer not yet in the system onboards them to the claimant once the nearest superior with assignment rights approves', async () => {
    const claim = { claimId: 'CL1', customerId: 'T2', segment: 'retail', gender: 'F', birthYear: 1975, assetsByUnit: { SB1: '180000', SB2: '20000' } };
    const filed = await c.as('rm1').post('/api/customers/claims', claim);
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ id: 'T2', streamId: 'customer-T2', events: ['CustomerClaimFiled'] });
    // Not in the system until approved.
    expect((await c.as('head-br1').post('/api/customers/T2/risk-assessment', { tolerance: 'R3' })).body.error.code).toBe('UNKNOWN_CUSTOMER');
    // rm1 works in SB1; SB1 has no head or approver here, so BR1 (head-br1, appr-br1) decides, not head office.
    // Head office is not told where the claim waits: to it the claim is unknown, as one that does not exist.
    const tooHigh = await c.as('appr-ho').post('/api/customers/T2/claims/CL1/decision', { approve: true });
    const noSuch = await c.as('appr-ho').post('/api/customers/T2/claims/CL-NONE/decision', { approve: true });
    expect([tooHigh.status, tooHigh.body.error.code, tooHigh.body.error.details]).toEqual([404, 'UNKNOWN_CLAIM', { claimId: 'CL1' }]);
    expect([noSuch.status, noSuch.body.error.code, noSuch.body.error.details]).toEqual([404, 'UNKNOWN_CLAIM', { claimId: 'CL-NONE' }]);
    const approved = await c.as('head-br1').post('/api/customers/T2/claims/CL1/decision', { approve: true });
    expect(approved.status).toBe(200);
    expect(approved.body.events).toEqual(['CustomerClaimApproved', 'CustomerOnboarded', 'CustomerAssignedToManager']);
    expect((await eventsOf('customer-T2')).map((e) => [e.type, e.data])).toEqual([
      ['CustomerClaimFiled', { customerId: 'T2', claimId: 'CL1', staffId: 'rm1', unitId: 'SB1', onboarding: { homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1975 } }],
      ['CustomerClaimApproved', { customerId: 'T2', claimId: 'CL1', approvedBy: 'head-br1' }],
      ['CustomerOnboarded', { customerId: 'T2', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1975 }],
      ['CustomerAssignedToManager', { customerId: 'T2', staffId: 'rm1', previousStaffId: null, unitId: 'SB1' }],
    ]);
    // Now theirs to serve.
    expect((await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'T2', staffId: 'rm1', channel: 'phone', outcome: 'welcome call' })).status).toBe(201);
  });

  it('asks who could ever decide a claim before looking it up: the admin, and the head of a unit with nothing below it, are refused (403), not told the claim does not exist (404)', async () => {
    // SB2 has nothing below it: whoever heads it never decides a claim.
    expect((await c.as('admin').post('/api/org/staff', { staffId: 'head-sb2', displayName: 'head-sb2', role: 'branch_head', unitId: 'SB2' })).status).toBe(201);
    for (const claimId of ['CL-NONE', 'CL-ALSO-NONE']) {
      const admin = await c.as('admin').post(`/api/customers/T9/claims/${claimId}/decision`, { approve: true });
      expect([admin.status, admin.body.error.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
      const leaf = await c.as('head-sb2').post(`/api/customers/T9/claims/${claimId}/decision`, { approve: true });
      expect([leaf.status, leaf.body.error.code, leaf.body.error.details.actorUnitId]).toEqual([403, 'NOT_SUPERIOR_UNIT', 'SB2']);
    }
    // BR1 may decide claims from below it: to it, a claim that does not exist is unknown.
    const none = await c.as('head-br1').post('/api/customers/T9/claims/CL-NONE/decision', { approve: true });
    expect([none.status, none.body.error.code]).toEqual([404, 'UNKNOWN_CLAIM']);
  });

  it('keeps a claim rejection\'s reason as the rejection\'s own note: a refused caller writes none, and clean-up of a fixed note takes nothing back', async () => {
    const claim = { claimId: 'CL5', customerId: 'T5', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '90000' } };
    expect((await c.as('rm1').post('/api/customers/claims', claim)).status).toBe(201);
    const notes = async () => (await t.db.pool.query(`SELECT note_id FROM pii_notes WHERE customer_id = 'T5' ORDER BY note_id`)).rows.map((r) => r.note_id);
    const keys = async () => (await t.db.pool.query(`SELECT 1 FROM pii_note_keys WHERE customer_id = 'T5'`)).rowCount;
    // BR1 decides rm1's claim (SB1 has no head or approver): head office is refused before any note, or notes key, is kept
    const ho = await c.as('appr-ho').post('/api/customers/T5/claims/CL5/decision', { approve: false, reason: 'head office says no' });
    expect([ho.status, ho.body.error.code]).toEqual([404, 'UNKNOWN_CLAIM']);
    const none = await c.as('head-br1').post('/api/customers/T5/claims/CL-NONE/decision', { approve: false, reason: 'no such claim' });
    expect([none.status, none.body.error.code]).toEqual([404, 'UNKNOWN_CLAIM']);
    expect(await notes()).toEqual([]);
    expect(await keys()).toBe(0);
    // The race, in sequence, as a refused caller ran it when the note's id was fixed per claim: it kept
    // `claim:CL5:rejection` before being refused, and took it back after BR1's rejection went through.
    const fixed = 'claim:CL5:rejection';
    expect(await t.runtime.vault.notes.keep('T5', fixed, 'the refused caller\'s text')).toBe('kept');
    expect((await c.as('head-br1').post('/api/customers/T5/claims/CL5/decision', { approve: false, reason: '该客户已由 SB2 服务' })).status).toBe(200);
    await t.runtime.vault.notes.remove('T5', [fixed]);
    const rejected = (await eventsOf('customer-T5')).filter((e) => e.type === 'CustomerClaimRejected');
    expect(rejected.map((e) => e.data)).toEqual([
      { customerId: 'T5', claimId: 'CL5', rejectedBy: 'head-br1', reasonNote: expect.stringMatching(/^claim:CL5:rejection:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) },
    ]);
    // BR1's reason is its own note, untouched
    const note = rejected[0]!.data.reasonNote as string;
    expect((await t.runtime.vault.notes.get('T5', [note])).get(note)).toBe('该客户已由 SB2 服务');
    expect(await notes()).toEqual([note]);
  });

  it('refuses a claim on a customer the system has (409): their sub-branch assigns them instead', async () => {
    await c.as('rm1').post('/api/customers', { customerId: 'T9', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '10' } });
    const r = await c.as('rm1').post('/api/customers/claims', { claimId: 'CL2', customerId: 'T9', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '10' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('CUSTOMER_ALREADY_IN_SYSTEM');
    expect((await c.as('head-br1').post('/api/customers/T9/manager', { staffId: 'rm1' })).body.events).toEqual(['CustomerAssignedToManager']);
  });

  it('leaves cross-branch transfers to head office', async () => {
    await c.as('rm1').post('/api/customers', { customerId: 'T3', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '10' } });
    const byBranch = await c.as('head-br1').post('/api/customers/T3/transfer', { toStaffId: 'rm3' });
    expect(byBranch.status).toBe(403);
    expect(byBranch.body.error.code).toBe('TRANSFER_NOT_ALLOWED');
    const byHeadOffice = await c.as('admin').post('/api/customers/T3/transfer', { toStaffId: 'rm3' });
    expect(byHeadOffice.status).toBe(200);
    expect((await eventsOf('customer-T3')).at(-2)).toMatchObject({ type: 'CustomerTransferred', data: { fromUnitId: 'SB1', toUnitId: 'SB2', crossBranch: true } });
  });

  it('lists whom a customer can be transferred to, grouped by sub-branch, saying which the caller transfers itself and which go to head office; nothing for those who may not see the customer (404)', async () => {
    await c.as('rm1').post('/api/customers', { customerId: 'T10', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '10' } });
    await c.as('head-br1').post('/api/customers/T10/manager', { staffId: 'rm1' });
    const targets = async (who: string) => (await c.as(who).get('/api/customers/T10/transfer-targets')).body;
    // rm1 manages T10 (left out); rm2 works in OUT1, an outlet of SB1 (BR1); rm3 in SB2 (BR2). BR1 transfers inside BR1 itself.
    expect(await targets('head-br1')).toEqual({
      customerId: 'T10',
      homeUnitId: 'SB1',
      managerId: 'rm1',
      units: [
        { unitId: 'SB1', name: 'SB1', branchId: 'BR1', crossBranch: false, direct: true, staff: [{ staffId: 'rm2', displayName: 'rm2' }] },
        // BR1's head does not see BR2's staff in GET /api/org: the unit is listed, its people are not.
        { unitId: 'SB2', name: 'SB2', branchId: 'BR2', crossBranch: true, direct: false, staff: [] },
      ],
    });
    // The customer's manager transfers nowhere directly, and sees only the people of their own sub-branch (rm2 in its outlet).
    type Listed = { unitId: string; direct: boolean; staff: { staffId: string }[] };
    expect((await targets('rm1')).units.map((u: Listed) => [u.unitId, u.direct, u.staff.map((s) => s.staffId)])).toEqual([['SB1', false, ['rm2']], ['SB2', false, []]]);
    // Head office transfers anywhere and sees everyone.
    expect((await targets('appr-ho')).units.map((u: Listed) => [u.unitId, u.direct, u.staff.map((s) => s.staffId)])).toEqual([['SB1', true, ['rm2']], ['SB2', true, ['rm3']]]);
    // Whoever asks, no one is named whom GET /api/org hides from them.
    for (const who of ['rm1', 'head-br1', 'appr-br1']) {
      const visible = new Set(((await c.as(who).get('/api/org')).body.staff as { staffId: string }[]).map((s) => s.staffId));
      const listed = ((await targets(who)).units as Listed[]).flatMap((u) => u.staff.map((s) => s.staffId));
      expect([who, listed.filter((s) => !visible.has(s))]).toEqual([who, []]);
    }
    // rm3 may not see rm1's customer: as for any id outside their scope, 404.
    const outside = await c.as('rm3').get('/api/customers/T10/transfer-targets');
    expect([outside.status, outside.body.error.code]).toEqual([404, 'UNKNOWN_CUSTOMER']);
    expect((await c.as('mkt-br1').get('/api/customers/T10/transfer-targets')).status).toBe(403);
  });

  it('records consent and a risk assessment valid one year from its business time', async () => {
    await c.as('rm1').post('/api/customers', { customerId: 'T4', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '10' } });
    // Contact is opt-out: what a customer's consent decision records is the channel they leave.
    await c.as('rm1').post('/api/customers/T4/consents', { channel: 'sms', granted: false });
    await c.as('head-br1').post('/api/customers/T4/risk-assessment', { tolerance: 'R3', occurredAt: '2026-02-01T08:00:00Z' });
    const events = await eventsOf('customer-T4');
    expect(events.map((e) => e.type)).toEqual(['CustomerOnboarded', 'ConsentWithdrawn', 'RiskProfileAssessed']);
    expect(events[2]!.data).toMatchObject({ tolerance: 'R3', assessedAt: '2026-02-01T08:00:00.000Z', validUntil: '2027-02-01T08:00:00.000Z' });
  });

  it('takes balances from the core-banking feed only, and risk assessments from a head, not the relationship manager (403 ROLE_NOT_ALLOWED)', async () => {
    await c.as('rm1').post('/api/customers', { customerId: 'T5', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '10' } });
    expect((await c.as('head-br1').post('/api/customers/T5/manager', { staffId: 'rm1' })).status).toBe(200);
    const before = await t.runtime.store.headPosition();
    for (const who of ['rm1', 'head-br1']) {
      const balance = await c.as(who).post('/api/customers/T5/balances', { month: '2026-01', averageDailyAssets: '9000000' });
      expect({ who, status: balance.status, code: balance.body.error?.code }).toEqual({ who, status: 403, code: 'ROLE_NOT_ALLOWED' });
    }
    const byOwnManager = await c.as('rm1').post('/api/customers/T5/risk-assessment', { tolerance: 'R5' });
    expect([byOwnManager.status, byOwnManager.body.error?.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(await t.runtime.store.headPosition()).toEqual(before);
    expect((await c.as('admin').post('/api/customers/T5/balances', { month: '2026-01', averageDailyAssets: '9000000' })).body.events).toEqual(['BalanceSnapshotRecorded', 'CustomerTierChanged']);
    expect((await c.as('head-br1').post('/api/customers/T5/risk-assessment', { tolerance: 'R5' })).body.events).toEqual(['RiskProfileAssessed']);
  });

  it('refuses a business time in the future', async () => {
    const r = await c.as('rm1').post('/api/customers/T4/consents', { channel: 'sms', granted: false, occurredAt: '2999-01-01' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('OCCURRED_IN_FUTURE');
  });
});
