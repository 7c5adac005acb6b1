import { api, campaignDraft, seedCustomer, seedOrganisation, submitWithPlan, type ApiResponse } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A command on a record the caller cannot reach answers exactly as one on an id that does not
 * exist: same status, same code, same message and details once the id itself is blanked out.
 * Otherwise a 403 tells an outsider which customers, campaigns and claims exist (issue 16, item 11).
 * And the refused command appends nothing.
 */
describe('commands outside scope answer as unknown ids do', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const ok = (r: ApiResponse) => {
    if (r.status >= 300) throw new Error(`set-up failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const head = async () => {
    const p = await t.runtime.store.headPosition();
    return p ? `${p.commit}/${p.prepare}` : 'empty';
  };
  /** The answer with the id blanked: everything else must match, key for key. */
  const answer = (r: ApiResponse, id: string) => ({ status: r.status, body: JSON.parse(JSON.stringify(r.body).split(id).join('<id>')) });
  const draft = (campaignId: string, ownerUnitId: string) => campaignDraft(campaignId, ownerUnitId, 'Spring deposits');

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    const admin = c.as('admin');
    // BR1/SB1 customer managed by rm1; rm3 works at SB2 (another branch).
    await seedCustomer(t, 'REAL-1', { tolerance: 'R3' });
    ok(await admin.post('/api/customers/REAL-1/manager', { staffId: 'rm1' }));
    // A BR2 campaign, submitted (so an approval would be in order for BR2's superior).
    ok(await admin.post('/api/campaigns', draft('REAL-K2', 'BR2')));
    ok(await submitWithPlan(admin, 'REAL-K2'));
    ok(await c.as('mkt-br1').post('/api/campaigns', draft('SEEN-K1', 'BR1')));
    ok(await submitWithPlan(c.as('mkt-br1'), 'SEEN-K1'));
    // A claim filed at SB2 by rm3: decided above SB2, never by BR1.
    ok(await c.as('rm3').post('/api/customers/claims', { claimId: 'REAL-CL', customerId: 'REAL-NEW', segment: 'retail', gender: 'F', assetsByUnit: { SB2: '1000' } }));
    await t.runtime.projector!.catchUp();
  });
  afterAll(() => t?.close());

  const cases: { what: string; who: string; send: (as: ReturnType<ReturnType<typeof api>['as']>, id: string) => Promise<ApiResponse>; real: string; missing: string; code: string }[] = [
    { what: 'a consent by a manager of another branch', who: 'rm3', real: 'REAL-1', missing: 'GHOST-1', code: 'UNKNOWN_CUSTOMER', send: (as, id) => as.post(`/api/customers/${id}/consents`, { channel: 'sms', granted: true }) },
    {
      what: 'a sale by a manager of another branch',
      who: 'rm3',
      real: 'REAL-1',
      missing: 'GHOST-1',
      code: 'UNKNOWN_CUSTOMER',
      send: (as, id) => as.post('/api/interactions', { kind: 'conversion', customerId: id, staffId: 'rm3', productCode: 'DEP-1Y', amount: '1000', revenue: '10.00' }),
    },
    { what: 'a campaign approval by an approver of another branch', who: 'appr-br1', real: 'REAL-K2', missing: 'GHOST-K2', code: 'UNKNOWN_CAMPAIGN', send: (as, id) => as.post(`/api/campaigns/${id}/approve`, {}) },
    { what: 'a campaign launch by a marketer of another branch', who: 'mkt-br1', real: 'REAL-K2', missing: 'GHOST-K2', code: 'UNKNOWN_CAMPAIGN', send: (as, id) => as.post(`/api/campaigns/${id}/launch`, {}) },
    { what: 'a claim decision by an approver of another branch', who: 'appr-br1', real: 'REAL-CL', missing: 'GHOST-CL', code: 'UNKNOWN_CLAIM', send: (as, id) => as.post(`/api/customers/REAL-NEW/claims/${id}/decision`, { approve: true }) },
  ];

  it.each(cases)('$what: the same 404 for a real id out of scope as for a missing one, and nothing appended', async ({ who, send, real, missing, code }) => {
    const before = await head();
    const outOfScope = await send(c.as(who), real);
    const unknown = await send(c.as(who), missing);
    expect(await head()).toBe(before);
    expect(outOfScope.status).toBe(404);
    expect(outOfScope.body.error.code).toBe(code);
    expect(answer(outOfScope, real)).toEqual(answer(unknown, missing));
  });

  it('still tells someone who may see the campaign why they may not act on it (403)', async () => {
    // A BR1 campaign runs in SB1: SB1's marketer sees it (campaignInScope) yet acts only on SB1's own.
    const launch = await c.as('mkt-sb1').post('/api/campaigns/SEEN-K1/launch', {});
    expect({ status: launch.status, code: launch.body.error.code }).toEqual({ status: 403, code: 'OUTSIDE_SCOPE' });
    // BR1's approver sees BR1's own campaign, which head office approves, not BR1.
    const approve = await c.as('appr-br1').post('/api/campaigns/SEEN-K1/approve', {});
    expect({ status: approve.status, code: approve.body.error.code }).toEqual({ status: 403, code: 'NOT_SUPERIOR_UNIT' });
  });
});
