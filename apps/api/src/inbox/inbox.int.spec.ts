import { createHash } from 'node:crypto';
import { planPdf } from '@app/demo';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * 004 篇九 第九条 ("系统自动将申请提交到有分配权限的上一级用户"), 第二十九、三十条: each request waits in the
 * inbox of the unit that decides it, and its requester sees the outcome.
 */
describe('GET /api/inbox and /api/inbox/mine', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  const inbox = async (who: string) => (await c.as(who).get(`/api/inbox?minPosition=${last}`)).body.items as any[];
  const mine = async (who: string) => (await c.as(who).get(`/api/inbox/mine?minPosition=${last}`)).body.items as any[];
  const campaign = async (campaignId: string, owner: string, marketer: string) => {
    await ok(c.as(marketer).post('/api/campaigns', { campaignId, name: campaignId, ownerUnitId: owner, productCodes: ['DEP-1Y'], channels: ['phone'], budget: '500', period: { start: '2026-01-01', end: '2030-01-01' } }));
    await ok(submitWithPlan(c.as(marketer), campaignId));
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1');
    // In this order: SB1's campaign (decided by BR1, whose approver is the nearest above), BR1's own
    // (decided by HO), SB1's budget change (any unit above SB1), a claim by SB1's manager (the nearest
    // unit above with a head or an approver: BR1), a special card for an ordinary customer (HO only).
    await campaign('K-SB1', 'SB1', 'mkt-sb1');
    await campaign('K-BR1', 'BR1', 'mkt-br1');
    await ok(c.as('mkt-sb1').post('/api/budgets/SB1/change-requests', { requestId: 'BC1', year: 2026, amount: '20000', reason: 'lecture series' }));
    await ok(c.as('rm1').post('/api/customers/claims', { claimId: 'CL1', customerId: 'NEW1', segment: 'retail', gender: 'M', birthYear: 1975, assetsByUnit: { SB1: '250000' } }));
    await ok(c.as('rm1').post('/api/customers/C1/vip-card/applications', { applicationId: 'APP1', tier: 'platinum' }));
  });
  afterAll(() => t.close());

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const summary = (items: any[]) => items.map((i) => `${i.kind} ${i.requestId}`);

  it('shows each approver what their unit decides, with the facts and the commands that decide', async () => {
    expect(summary(await inbox('appr-br1'))).toEqual(['campaign K-SB1', 'budget_change BC1', 'customer_claim CL1']);
    expect(summary(await inbox('appr-ho'))).toEqual(['campaign K-BR1', 'budget_change BC1', 'special_vip_card APP1']);
    // A branch head decides budgets and claims, never campaigns.
    expect(summary(await inbox('head-br1'))).toEqual(['budget_change BC1', 'customer_claim CL1']);
    const [k] = await inbox('appr-br1');
    expect(k).toMatchObject({
      unitId: 'SB1',
      requestedBy: 'mkt-sb1',
      status: 'pending',
      facts: {
        name: 'K-SB1', ownerUnitId: 'SB1', budget: '500.00', productCodes: ['DEP-1Y'], controlGroupPercent: 10,
        // the document submitUploaded sent: its name, and the SHA-256 of its bytes, worked out here
        planDocument: { fileName: 'K-SB1 方案.pdf', mediaType: 'application/pdf', sha256: sha256(planPdf('K-SB1 plan')) },
      },
      actions: { approve: { method: 'POST', href: '/api/campaigns/K-SB1/approve' }, reject: { method: 'POST', href: '/api/campaigns/K-SB1/reject' } },
    });
  });

  it('is refused to those who decide nothing (403 ROLE_NOT_ALLOWED)', async () => {
    for (const who of ['rm1', 'mkt-br1']) expect((await c.as(who).get('/api/inbox')).body.error.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('takes a decision made through its links off the inbox and shows the requester the outcome and the reason', async () => {
    const [k, , claim] = await inbox('appr-br1');
    await ok(c.as('appr-br1').post(k.actions.reject.href, { reason: 'no control group budget this quarter' }));
    await ok(c.as('head-br1').post(claim.actions.approve.href, claim.actions.approve.body));
    expect(summary(await inbox('appr-br1'))).toEqual(['budget_change BC1']);
    expect(await mine('mkt-sb1')).toEqual([
      expect.objectContaining({ kind: 'budget_change', requestId: 'BC1', status: 'pending', decidedBy: null }),
      expect.objectContaining({ kind: 'campaign', requestId: 'K-SB1', status: 'rejected', decidedBy: 'appr-br1', reason: 'no control group budget this quarter' }),
    ]);
    expect((await mine('rm1')).find((i) => i.requestId === 'CL1')).toMatchObject({ status: 'approved', decidedBy: 'head-br1', reason: null });
  });

  it('puts a resubmitted campaign back in the inbox, waiting again', async () => {
    // a revised plan: other bytes, another document
    const revised = planPdf('K-SB1 plan, revised');
    const uploaded = await ok(c.as('mkt-sb1').upload('/api/campaigns/K-SB1/plan-documents?fileName=K-SB1-v2.pdf', revised));
    await ok(c.as('mkt-sb1').post('/api/campaigns/K-SB1/submit', { planDocumentId: uploaded.documentId }));
    const items = await inbox('appr-br1');
    expect(items.find((i) => i.requestId === 'K-SB1')).toMatchObject({ status: 'pending', decidedBy: null, reason: null, facts: { planDocument: { documentId: uploaded.documentId, fileName: 'K-SB1-v2.pdf', sha256: sha256(revised) } } });
  });

  it('puts a cross-branch transfer request in head office\'s inbox only, with its reason from the vault; a rejection needs a reason, and the requester reads it', async () => {
    // C1 is held by SB1 (BR1), managed by rm1; rm3 works in SB2 (BR2): head office decides (004 篇九 第九条)
    await ok(c.as('head-br1').post('/api/customers/C1/manager', { staffId: 'rm1' }));
    await ok(c.as('rm1').post('/api/customers/C1/personal-data', { name: 'Li Hua', phone: '+86 138 1234 5678' }));
    // the server names the request (a client may not: 400)
    const chosen = await c.as('rm1').post('/api/customers/C1/transfer-requests', { requestId: 'TR1', toStaffId: 'rm3', reason: '客户搬到 BR2 附近' });
    expect([chosen.status, chosen.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const asked = await ok(c.as('rm1').post('/api/customers/C1/transfer-requests', { toStaffId: 'rm3', reason: '客户搬到 BR2 附近' }));
    expect(asked).toMatchObject({ events: ['CustomerTransferRequested'] });
    expect(asked.requestId).toMatch(/^TR-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const TR1: string = asked.requestId;
    // the reason is in the vault, not in the log
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerTransferRequested'`);
    expect(JSON.stringify(rows)).not.toContain('客户搬到');
    const ho = (await inbox('appr-ho')).find((i) => i.kind === 'transfer');
    expect(ho).toMatchObject({
      requestId: TR1,
      unitId: 'SB1',
      requestedBy: 'rm1',
      // the customer's name masked as approvers see personal data: the first letter, then one star per letter ('Li Hua': 6)
      facts: { customerId: 'C1', customerName: 'L*****', fromUnitId: 'SB1', fromStaffId: 'rm1', toUnitId: 'SB2', toStaffId: 'rm3', reason: '客户搬到 BR2 附近' },
      actions: { reject: { href: `/api/customers/C1/transfer-requests/${TR1}/decision`, body: { approve: false } } },
    });
    expect(ho.facts.reasonNote).toBeUndefined();
    expect(JSON.stringify(ho)).not.toMatch(/Li Hua|1234 5678/);
    // neither branch decides it, so neither sees it
    for (const who of ['appr-br1', 'head-br1']) expect((await inbox(who)).some((i) => i.kind === 'transfer')).toBe(false);
    // a rejection without a reason is refused and appends nothing
    const before = (await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'customer-C1'`)).rows[0].n;
    const blank = await c.as('appr-ho').post(ho.actions.reject.href, { approve: false, reason: '  ' });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'REASON_REQUIRED']);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'customer-C1'`)).rows[0].n).toBe(before);
    // A refused caller's clean-up, as it ran before the note was the attempt's own: it kept the request's fixed
    // rejection note before being refused, and takes it back after head office's rejection went through.
    const fixed = `transfer-request:${TR1}:rejection`;
    expect(await t.runtime.vault.notes.keep('C1', fixed, 'the refused caller\'s text')).toBe('kept');
    await ok(c.as('appr-ho').post(ho.actions.reject.href, { approve: false, reason: '贷款结清前留在原支行' }));
    await t.runtime.vault.notes.remove('C1', [fixed]);
    expect((await inbox('appr-ho')).some((i) => i.kind === 'transfer')).toBe(false);
    // head office's reason is its own note, untouched
    expect((await mine('rm1')).find((i) => i.requestId === TR1)).toMatchObject({ kind: 'transfer', status: 'rejected', decidedBy: 'appr-ho', reason: '贷款结清前留在原支行' });
    // asked again and approved: the customer is rm3's in SB2, as after a direct transfer
    const TR2: string = (await ok(c.as('rm1').post('/api/customers/C1/transfer-requests', { toStaffId: 'rm3', reason: 'moved for good' }))).requestId;
    const again = (await inbox('appr-ho')).find((i) => i.requestId === TR2);
    expect((await ok(c.as('appr-ho').post(again.actions.approve.href, again.actions.approve.body))).events).toEqual(['CustomerTransferRequestApproved', 'CustomerTransferred', 'CustomerAssignedToManager']);
    expect((await mine('rm1')).find((i) => i.requestId === TR2)).toMatchObject({ status: 'approved', decidedBy: 'appr-ho', reason: null });
  });

  it('keeps no vault note for a transfer request or decision that is refused: an unknown customer, one out of scope, a branch deciding', async () => {
    await seedCustomer(t, 'C4');
    await ok(c.as('head-br1').post('/api/customers/C4/manager', { staffId: 'rm1' }));
    const notes = async () => (await t.db.pool.query(`SELECT customer_id, note_id FROM pii_notes WHERE customer_id IN ('NOPE', 'C4') ORDER BY note_id`)).rows;
    const keyOf = async (customerId: string) => (await t.db.pool.query(`SELECT 1 FROM pii_note_keys WHERE customer_id = $1`, [customerId])).rowCount;
    const before = await notes();
    const unknown = await c.as('rm1').post('/api/customers/NOPE/transfer-requests', { toStaffId: 'rm3', reason: 'a note about nobody' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_CUSTOMER']);
    // rm3 works in SB2: C4 (SB1) is not theirs
    const outside = await c.as('rm3').post('/api/customers/C4/transfer-requests', { toStaffId: 'rm3', reason: 'not mine to ask' });
    // Out of rm3's reach: answered as if C4 did not exist (the existence rule), before any note is kept.
    expect({ status: outside.status, code: outside.body.error.code }).toEqual({ status: 404, code: 'UNKNOWN_CUSTOMER' });
    expect(await notes()).toEqual(before);
    // not even a notes key for a customer who does not exist
    expect(await keyOf('NOPE')).toBe(0);
    const asked = await ok(c.as('rm1').post('/api/customers/C4/transfer-requests', { toStaffId: 'rm3', reason: 'moved' }));
    const withRequest = await notes();
    expect(withRequest).toEqual([...before, { customer_id: 'C4', note_id: `transfer-request:${asked.requestId}:reason` }]);
    // BR1's approver may not decide: refused before any note, as is a decision on a request that does not exist
    const branch = await c.as('appr-br1').post(`/api/customers/C4/transfer-requests/${asked.requestId}/decision`, { approve: false, reason: 'branch says no' });
    expect([branch.status, branch.body.error.code]).toEqual([403, 'NOT_SUPERIOR_UNIT']);
    const none = await c.as('appr-ho').post('/api/customers/C4/transfer-requests/TR-none/decision', { approve: false, reason: 'no such request' });
    expect([none.status, none.body.error.code]).toEqual([404, 'UNKNOWN_TRANSFER_REQUEST']);
    expect(await notes()).toEqual(withRequest);
  });
});
