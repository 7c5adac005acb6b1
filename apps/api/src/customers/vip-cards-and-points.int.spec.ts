import { randomUUID } from 'node:crypto';
import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

describe('VIP cards and points through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  const vip = async (customerId: string) => {
    await seedCustomer(t, customerId);
    await c.as('admin').post(`/api/customers/${customerId}/balances`, { month: '2026-01', averageDailyAssets: '300000' });
  };

  it('issues a card at the customer\'s tier at once', async () => {
    await vip('V0');
    const applied = await c.as('rm1').post('/api/customers/V0/vip-card/applications', { applicationId: 'A0', tier: 'standard' });
    expect(applied.body.events).toEqual(['VipCardApplied', 'VipCardApplicationApproved']);
    const issued = await c.as('rm1').post('/api/customers/V0/vip-card/issue', { cardId: 'CARD-0' });
    expect(issued.status).toBe(201);
    const registry = await t.db.pool.query(`SELECT type FROM es_events WHERE stream_id = 'vip-cards-SB1'`);
    expect(registry.rows.map((r) => r.type)).toEqual(['VipCardHolderAdded']);
  });

  it('keeps special cards within 5% of the sub-branch\'s holders, approved by head office only', async () => {
    await seedCustomer(t, 'S1');
    await c.as('rm1').post('/api/customers/S1/vip-card/applications', { applicationId: 'A1', tier: 'standard' });
    const notHo = await c.as('appr-br1').post('/api/customers/S1/vip-card/applications/A1/decision', { approve: true });
    expect(notHo.status).toBe(403);
    expect(notHo.body.error.code).toBe('HEAD_OFFICE_ONLY');
    // 1 holder so far: a special card would be 1 of 2 = 50%
    const over = await c.as('admin').post('/api/customers/S1/vip-card/applications/A1/decision', { approve: true });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'SPECIAL_CARD_QUOTA', details: { holders: 2, special: 1 } });
    for (let i = 1; i < 19; i++) {
      await vip(`V${i}`);
      await c.as('rm1').post(`/api/customers/V${i}/vip-card/applications`, { applicationId: `A-V${i}`, tier: 'standard' });
      await c.as('rm1').post(`/api/customers/V${i}/vip-card/issue`, { cardId: `CARD-${i}` });
    }
    // 19 holders: one special makes 1 of 20 = 5%, allowed
    const ok = await c.as('admin').post('/api/customers/S1/vip-card/applications/A1/decision', { approve: true });
    expect(ok.status).toBe(200);
    expect((await c.as('rm1').post('/api/customers/S1/vip-card/issue', { cardId: 'CARD-S1' })).status).toBe(201);
  });

  it('asks who decides a special card (403) before looking up the application (404)', async () => {
    await seedCustomer(t, 'S2');
    // BR1's approver may not decide: told so whether or not the application exists, or is still waiting
    const none = await c.as('appr-br1').post('/api/customers/S2/vip-card/applications/A-NONE/decision', { approve: false, reason: 'no' });
    expect([none.status, none.body.error.code]).toEqual([403, 'HEAD_OFFICE_ONLY']);
    // head office is told the application does not exist
    const hoNone = await c.as('appr-ho').post('/api/customers/S2/vip-card/applications/A-NONE/decision', { approve: false, reason: 'no' });
    expect([hoNone.status, hoNone.body.error.code]).toEqual([404, 'UNKNOWN_APPLICATION']);
    await c.as('rm1').post('/api/customers/S2/vip-card/applications', { applicationId: 'A2', tier: 'platinum' });
    expect((await c.as('appr-ho').post('/api/customers/S2/vip-card/applications/A2/decision', { approve: false, reason: 'assets too low' })).status).toBe(200);
    const decided = await c.as('appr-br1').post('/api/customers/S2/vip-card/applications/A2/decision', { approve: true });
    expect([decided.status, decided.body.error.code]).toEqual([403, 'HEAD_OFFICE_ONLY']);
  });

  it('keeps a refusal\'s reason as the refusal\'s own note: a refused caller writes none, and clean-up of a fixed note takes nothing back', async () => {
    await seedCustomer(t, 'S3');
    await c.as('rm1').post('/api/customers/S3/vip-card/applications', { applicationId: 'A3', tier: 'platinum' });
    const notes = async () => (await t.db.pool.query(`SELECT note_id FROM pii_notes WHERE customer_id = 'S3' ORDER BY note_id`)).rows.map((r) => r.note_id);
    const before = await notes();
    // BR1's approver is refused before any note is kept
    const branch = await c.as('appr-br1').post('/api/customers/S3/vip-card/applications/A3/decision', { approve: false, reason: 'branch says no' });
    expect([branch.status, branch.body.error.code]).toEqual([403, 'HEAD_OFFICE_ONLY']);
    expect(await notes()).toEqual(before);
    // The race, in sequence, as a refused caller ran it when the note's id was fixed per application: it kept
    // `vip-application:A3:refusal` before being refused, and took it back after head office's refusal went through.
    const fixed = 'vip-application:A3:refusal';
    expect(await t.runtime.vault.notes.keep('S3', fixed, 'the refused caller\'s text')).toBe('kept');
    const refused = await c.as('appr-ho').post('/api/customers/S3/vip-card/applications/A3/decision', { approve: false, reason: '资产未达白金标准' });
    expect(refused.status).toBe(200);
    await t.runtime.vault.notes.remove('S3', [fixed]);
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = 'customer-S3' AND type = 'VipCardApplicationRefused'`);
    expect(rows.map((r) => r.data.reasonNote)).toEqual([expect.stringMatching(/^vip-application:A3:refusal:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)]);
    // head office's reason is its own note, untouched
    expect((await t.runtime.vault.notes.get('S3', [rows[0].data.reasonNote])).get(rows[0].data.reasonNote)).toBe('资产未达白金标准');
  });

  it('accrues, earns, redeems and refuses redeeming beyond the balance', async () => {
    const admin = c.as('admin'); // points come from the bank's systems, booked under an admin account
    const ghost = await admin.post('/api/points/GHOST/transactions', { transactionId: 'T0', spend: '10.00' });
    expect(ghost.status).toBe(404); // no points for a customer the bank does not have
    expect(ghost.body.error.code).toBe('UNKNOWN_CUSTOMER');
    await seedCustomer(t, 'P1');
    expect((await admin.post('/api/points/P1/benefit', { month: '2026-03', assetChange: '150000', profitParameter: '0.002' })).status).toBe(201);
    expect((await admin.post('/api/points/P1/transactions', { transactionId: 'T1', spend: '99.99' })).status).toBe(201);
    const too = await admin.post('/api/points/P1/redemptions', { redemptionId: 'R1', points: 400 });
    expect(too.status).toBe(422);
    expect(too.body.error).toMatchObject({ code: 'INSUFFICIENT_POINTS', details: { available: 399 } });
    expect((await admin.post('/api/points/P1/redemptions', { redemptionId: 'R2', points: 399 })).status).toBe(201);
    const reversal = await admin.post('/api/points/P1/transactions/T1/reversal', { reason: 'disputed' });
    expect(reversal.status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = 'points-P1' ORDER BY stream_position`);
    expect(rows.map((r) => [r.type, r.data.points])).toEqual([
      ['BenefitPointsAccrued', 300],
      ['TransactionPointsEarned', 99],
      ['PointsRedeemed', 399],
      ['TransactionPointsReversed', 99],
    ]);
  });

  it('DOMAIN Points (reversed the next day): the ledger books what a reversal took back, so it never goes below zero', async () => {
    // P1 (above) spent all 399 points, T1's 99 among them, before T1 was reversed: nothing was left to take back.
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = 'points-P1' AND type = 'TransactionPointsReversed'`);
    expect(rows[0].data).toMatchObject({ points: 99, pointsReversed: 0 });
    await expectCaughtUp(t.runtime.projector!, 60_000);
    const ledger = (await c.as('admin').get('/api/customers/P1/points')).body;
    expect(ledger.entries.map((e: { kind: string; points: number; balance: number }) => [e.kind, e.points, e.balance])).toEqual([
      ['BenefitPointsAccrued', 300, 300],
      ['TransactionPointsEarned', 99, 399],
      ['PointsRedeemed', -399, 0],
      ['TransactionPointsReversed', 0, 0],
    ]);
  });

  it('books a reversal written before pointsReversed existed at the points it names, as it was booked then', async () => {
    await seedCustomer(t, 'P-OLD');
    const legacy = { customerId: 'P-OLD', transactionId: 'T9', points: 12, effectiveOn: '2026-03-02', reason: 'disputed' };
    const metadata = { eventId: randomUUID(), correlationId: 'legacy', causationId: null, actor: 'import', orgUnit: null, occurredAt: '2026-03-01T00:00:00Z', schemaVersion: 1 };
    await t.runtime.store.appendToStream('points-P-OLD', [{ type: 'TransactionPointsReversed', data: legacy, metadata }], 'any');
    await expectCaughtUp(t.runtime.projector!, 60_000);
    const ledger = (await c.as('admin').get('/api/customers/P-OLD/points')).body;
    expect(ledger.entries.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual([['TransactionPointsReversed', -12]]);
  });
});
