import { api, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * 004 篇九 第九条: the previous and the new manager of a transferred customer are told. Through the
 * API: N1 (SB1, rm1's) goes to rm3 (SB2) when head office approves rm1's cross-branch request at
 * 00:30 in Beijing on 1 April (16:30 UTC on 31 March); N2 (SB1, no manager yet) is transferred
 * directly by BR1's head to rm2 (OUT1, an outlet of SB1) at 09:00 in Beijing on 2 April. Each expected value is worked out from these facts.
 */
describe('transfer notifications through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const res = await r;
    if (res.status >= 300) throw new Error(`fixture failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const list = async (who: string) => {
    const r = await c.as(who).get('/api/notifications');
    expect(r.status).toBe(200);
    return r.body as { unread: number; items: any[] };
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await ok(c.as('rm1').post('/api/customers', { customerId: 'N1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '100000' }, personal: { name: '王小明' } }));
    await ok(c.as('head-br1').post('/api/customers/N1/manager', { staffId: 'rm1' }));
    const { requestId } = await ok(c.as('rm1').post('/api/customers/N1/transfer-requests', { toStaffId: 'rm3', reason: '客户搬到深圳' }));
    await ok(c.as('appr-ho').post(`/api/customers/N1/transfer-requests/${requestId}/decision`, { approve: true, occurredAt: '2026-03-31T16:30:00.000Z' }));
    await ok(c.as('rm1').post('/api/customers', { customerId: 'N2', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '5000' } }));
    await ok(c.as('head-br1').post('/api/customers/N2/transfer', { toStaffId: 'rm2', occurredAt: '2026-04-02T01:00:00.000Z' }));
    await expectCaughtUp(t.runtime.projector!, 60_000);
  }, 120_000);
  afterAll(() => t?.close());

  it('tells the previous manager who left them, for whom, where to, when in bank time and who decided, with no link', async () => {
    const rm1 = await list('rm1');
    expect(rm1.unread).toBe(1);
    expect(rm1.items).toEqual([
      {
        notificationId: expect.any(String),
        kind: 'customer_transferred',
        role: 'previous_manager',
        customerId: 'N1',
        customerName: '王**',
        from: { unit: { unitId: 'SB1', name: 'SB1' }, manager: { staffId: 'rm1', displayName: 'rm1' } },
        to: { unit: { unitId: 'SB2', name: 'SB2' }, manager: { staffId: 'rm3', displayName: 'rm3' } },
        crossBranch: true,
        decidedBy: { staffId: 'appr-ho', displayName: 'appr-ho' },
        occurredAt: '2026-03-31T16:30:00.000Z',
        bankTime: '2026-04-01 00:30:00',
        bankDay: '2026-04-01',
        link: null,
        read: false,
      },
    ]);
  });

  it('tells the new manager the same transfer, with a link to the customer page', async () => {
    const rm3 = await list('rm3');
    expect(rm3.items.map((n) => [n.role, n.customerId, n.from.manager?.staffId, n.to.manager.staffId, n.decidedBy.staffId, n.bankDay, n.link])).toEqual([
      ['new_manager', 'N1', 'rm1', 'rm3', 'appr-ho', '2026-04-01', '/#/customers/N1'],
    ]);
  });

  it('tells only the new manager of a customer who had none; the others see nothing of transfers not theirs', async () => {
    const rm2 = await list('rm2');
    // rm2 works in OUT1, an outlet of SB1: customers are held by sub-branches, so N2 stays in SB1.
    expect(rm2.items.map((n) => [n.role, n.customerId, n.from.manager, n.from.unit.unitId, n.to.unit.unitId, n.crossBranch, n.decidedBy.staffId, n.bankTime])).toEqual([
      ['new_manager', 'N2', null, 'SB1', 'SB1', false, 'head-br1', '2026-04-02 09:00:00'],
    ]);
    // Neither the deciders nor anyone else is a recipient.
    for (const who of ['appr-ho', 'head-br1', 'mkt-br1']) expect(await list(who)).toMatchObject({ unread: 0, items: [] });
  });

  it('marks read only the caller\'s own notifications: each manager keeps their own mark', async () => {
    const [n] = (await list('rm3')).items;
    // rm2 has no notification of that transfer: marks nothing.
    expect(await c.as('rm2').post('/api/notifications/read', { notificationIds: [n.notificationId] })).toMatchObject({ status: 200, body: { marked: 0 } });
    expect(await c.as('rm3').post('/api/notifications/read', { notificationIds: [n.notificationId] })).toMatchObject({ status: 200, body: { marked: 1 } });
    // Again: already read.
    expect((await c.as('rm3').post('/api/notifications/read', { notificationIds: [n.notificationId] })).body).toEqual({ marked: 0 });
    expect(await list('rm3')).toMatchObject({ unread: 0, items: [{ notificationId: n.notificationId, read: true }] });
    // The previous manager's notification of the same transfer is still unread; rm2's own too.
    expect(await list('rm1')).toMatchObject({ unread: 1, items: [{ notificationId: n.notificationId, read: false }] });
    expect((await list('rm2')).unread).toBe(1);
  });

  it('refuses an empty list of ids (400) and marks nothing', async () => {
    const r = await c.as('rm1').post('/api/notifications/read', { notificationIds: [] });
    expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await list('rm1')).unread).toBe(1);
  });

  it('refuses a body naming both ids and all, or neither (400), and marks nothing', async () => {
    const both = await c.as('rm1').post('/api/notifications/read', { notificationIds: ['x'], all: true });
    const neither = await c.as('rm1').post('/api/notifications/read', {});
    expect([both.status, both.body.error.code, neither.status, neither.body.error.code]).toEqual([400, 'VALIDATION_FAILED', 400, 'VALIDATION_FAILED']);
    expect((await list('rm1')).unread).toBe(1);
  });

  it('tells both managers when a head gives a managed customer to another manager of the sub-branch (no transfer), and "all" marks every one read', async () => {
    // N3 (SB1): first assigned to rm1 (no one told), then BR1's head gives them to rm2 (OUT1, under SB1).
    await ok(c.as('rm1').post('/api/customers', { customerId: 'N3', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '7000' } }));
    await ok(c.as('head-br1').post('/api/customers/N3/manager', { staffId: 'rm1' }));
    const { position } = await ok(c.as('head-br1').post('/api/customers/N3/manager', { staffId: 'rm2' }));
    const seen = (await c.as('rm2').get(`/api/notifications?minPosition=${encodeURIComponent(position)}`)).body;
    // rm2: N2 (transferred to them, unread) and N3 (given to them, unread), N3 first (newer).
    expect([seen.unread, seen.items.map((n: any) => [n.customerId, n.kind, n.role, n.from.manager?.staffId, n.to.manager.staffId, n.from.unit.unitId, n.to.unit.unitId, n.decidedBy.staffId])]).toEqual([
      2,
      [
        ['N3', 'manager_reassigned', 'new_manager', 'rm1', 'rm2', 'SB1', 'SB1', 'head-br1'],
        ['N2', 'customer_transferred', 'new_manager', undefined, 'rm2', 'SB1', 'SB1', 'head-br1'],
      ],
    ]);
    // rm1: N1's transfer away (unread since the test above) and N3's reassignment away.
    const rm1 = await list('rm1');
    expect([rm1.unread, rm1.items.map((n: any) => [n.customerId, n.kind, n.role])]).toEqual([2, [['N3', 'manager_reassigned', 'previous_manager'], ['N1', 'customer_transferred', 'previous_manager']]]);
    expect((await c.as('rm1').post('/api/notifications/read', { all: true })).body).toEqual({ marked: 2 });
    expect((await list('rm1')).unread).toBe(0);
    // rm2's own are theirs: untouched.
    expect((await list('rm2')).unread).toBe(2);
  });
});
