import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/** 004 篇九 第三十条: the participant list kept during execution; 004 存款营销活动方案 三: the check of each 旬, the customers' reaction; the calendar. */
describe('campaign follow-up, participants and calendar', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  const customers = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6'];
  const launch = async (campaignId: string, over: Record<string, unknown>) => {
    const mkt = c.as('mkt-br1');
    await ok(mkt.post('/api/campaigns', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, ...over }));
    await ok(submitWithPlan(mkt, campaignId));
    await ok(c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`));
    await ok(mkt.post(`/api/campaigns/${campaignId}/launch`));
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (const id of customers) await seedCustomer(t, id, { tolerance: 'R2' });
    await launch('KA', { controlGroupPercent: 0, targets: { conversions: 365, revenue: null } });
    // KB reaches KA's customers too (KA holds nobody in control).
    await launch('KB', { controlGroupPercent: 0 });
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', contactId: 'CT1', customerId: 'E1', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KA' }));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'E1', staffId: 'rm1', productCode: 'FUND-BOND', amount: '1000', revenue: '12.50', campaignId: 'KA' }));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'E1', category: 'too_many_calls', contactId: 'CT1' }));
    await ok(c.as('mkt-br1').post('/api/campaigns/KA/feedback', { customerId: 'E1', rating: 4, comment: 'useful' }));
    await ok(c.as('mkt-br1').post('/api/campaigns/KA/feedback', { customerId: null, rating: null, comment: 'venue too small' }));
  });
  afterAll(() => t.close());

  it('downloads the participants as CSV for Excel: a byte-order mark, a header and one CRLF line per customer', async () => {
    const res = await fetch(`${t.url}/api/campaigns/KA/participants?minPosition=${last}`, { headers: { authorization: `Bearer ${t.runtime.tokens.issue('mkt-br1').token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('customerId,group,enrolledDay,enrolledAt,firstContactedAt,firstOfferedAt,firstAcceptedAt,tookPartAt');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(customers.map((id) => `${id},treatment`));
    // E1 was contacted: its fifth column carries the time, on the bank's clock.
    expect(lines[1]!.split(',')[4]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('checks each 旬 against the targets pro rata, and shows feedback and complaint rate, per check and for the whole campaign', async () => {
    const body = (await c.as('mkt-br1').get(`/api/campaigns/KA/follow-up?minPosition=${last}`)).body;
    // The period starts 2026-01-01 in Shanghai: a check for each 旬 (1–10, 11–20, 21–end) gone by,
    // three a month, and the one running now last.
    const beijing = new Date(Date.now() + 8 * 3_600_000); // Shanghai keeps no summer time
    const months = (beijing.getUTCFullYear() - 2026) * 12 + beijing.getUTCMonth();
    const day = beijing.getUTCDate();
    expect(body.checks).toHaveLength(months * 3 + (day > 20 ? 2 : day > 10 ? 1 : 0) + 1);
    expect(body.checks.map((k: any) => k.inProgress)).toEqual([...Array(body.checks.length - 1).fill(false), true]);
    // Everything happened today: the running 旬 holds the whole reaction, the 旬 before none of it.
    expect(body.checks.at(-1).reaction).toEqual({ feedback: 2, averageRating: 4, complaints: 1, customersContacted: 1, complaintRate: 1 });
    expect(body.checks.at(-2).reaction).toEqual({ feedback: 0, averageRating: null, complaints: 0, customersContacted: 0, complaintRate: null });
    expect(body.actuals).toMatchObject({ conversions: 1, revenue: '12.50', contacted: 1 });
    // 1 complaint over 1 contacted customer; 2 feedback lines, one rated 4.
    expect(body.reaction).toEqual({ feedback: 2, averageRating: 4, complaints: 1, complaintRate: 1 });
    // The period runs 4 years (1,461 days): 365 conversions pro rata after d days is 365 · d / 1461.
    const first = body.checks[0];
    expect([first.at, first.firstDay, first.lastDay]).toEqual(['2026-01-10T16:00:00.000Z', '2026-01-01', '2026-01-10']);
    expect(first.conversions.expected).toBeCloseTo((365 * 10) / 1461, 2);
  });

  it('shows the calendar with the customers two overlapping campaigns share', async () => {
    const body = (await c.as('mkt-br1').get(`/api/calendar?from=2026-01-01&to=2026-12-31&minPosition=${last}`)).body;
    expect(body.campaigns.map((k: any) => [k.campaignId, k.ownerUnitId, k.enrolled])).toEqual([
      ['KA', 'BR1', 6],
      ['KB', 'BR1', 6],
    ]);
    expect(body.overlaps).toEqual([{ campaigns: ['KA', 'KB'], sharedCustomers: 6 }]);
    const bad = await c.as('mkt-br1').get('/api/calendar?from=2026-12-31&to=2026-01-01');
    expect({ status: bad.status, code: bad.body.error.code }).toEqual({ status: 400, code: 'INVALID_PERIOD' });
    // A time without its offset (either end) is refused, not read in the server's zone; a day that does not exist too.
    for (const range of ['from=2026-01-01T00:00:00&to=2026-12-31', 'from=2026-01-01&to=2026-12-31T23:59:59', 'from=2026-02-30&to=2026-12-31']) {
      const refused = await c.as('mkt-br1').get(`/api/calendar?${range}`);
      expect({ range, status: refused.status, code: refused.body.error?.code }).toEqual({ range, status: 400, code: 'INVALID_PERIOD' });
    }
    // With its offset, a time is that instant: 2026-01-01T00:00+08:00 is Beijing midnight, the start of the bank day 1 January.
    const timed = await c.as('mkt-br1').get('/api/calendar?from=2026-01-01T00:00:00%2B08:00&to=2026-12-31');
    expect({ status: timed.status, from: timed.body.from, to: timed.body.to }).toEqual({ status: 200, from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T15:59:59.999Z' });
    expect((await c.as('rm1').get('/api/calendar?from=2026-01-01&to=2026-12-31')).status).toBe(403);
  });
});

describe('the check of each 旬 counts every contact, re-contacts included', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    await seedCustomer(t, 'R1');
  });
  afterAll(() => t.close());

  it('finds the plan carried out in a window holding only a re-contact', async () => {
    const c = api(t);
    const mkt = c.as('mkt-br1');
    // March and April 2026 in Shanghai: 2026-02-28T16:00Z to 2026-04-30T16:00Z.
    await mkt.post('/api/campaigns', { campaignId: 'KR', name: 'KR', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-03-01', end: '2026-05-01' }, controlGroupPercent: 0 });
    await submitWithPlan(mkt, 'KR');
    await c.as('appr-ho').post('/api/campaigns/KR/approve');
    expect((await mkt.post('/api/campaigns/KR/launch', { occurredAt: '2026-03-01T01:00:00Z' })).body).toMatchObject({ audienceSize: 1 });
    const contact = (contactId: string, occurredAt: string) =>
      c.as('rm1').post('/api/interactions', { kind: 'contact', contactId, customerId: 'R1', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KR', occurredAt });
    // First contact on 5 March (Beijing); the same customer again at 23:30 on 15 March Beijing (15:30Z), in the second window.
    expect((await contact('C1', '2026-03-05T02:00:00Z')).status).toBe(201);
    const last = await contact('C2', '2026-03-15T15:30:00Z');
    expect(last.status).toBe(201);
    const body = (await mkt.get(`/api/campaigns/KR/follow-up?minPosition=${last.body.position}`)).body;
    // Checks at the start of 11 and 21 March and 1 April Beijing: the 旬 1–10 March (C1), 11–20 March (C2 only), 21–31 March (none).
    expect(body.checks.slice(0, 3).map((k: any) => [k.at, k.contactedInWindow, k.planCarriedOut])).toEqual([
      ['2026-03-10T16:00:00.000Z', 1, true],
      ['2026-03-20T16:00:00.000Z', 1, true],
      ['2026-03-31T16:00:00.000Z', 0, false],
    ]);
  });

  it("puts each feedback and complaint in the 旬 of its bank day: the customers' reaction per check", async () => {
    const c = api(t);
    const mkt = c.as('mkt-br1');
    const ok = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    // KR (above): C1 on 5 March, C2 at 23:30 on 15 March Beijing, both R1.
    // Rated 5 at 23:30 on 10 March Beijing (15:30Z): the 上旬. Rated 3 at 00:30 on 11 March Beijing (10 March 16:30Z): the 中旬.
    await ok(mkt.post('/api/campaigns/KR/feedback', { customerId: 'R1', rating: 5, comment: 'good', occurredAt: '2026-03-10T15:30:00Z' }));
    await ok(mkt.post('/api/campaigns/KR/feedback', { customerId: 'R1', rating: 3, comment: 'too long', occurredAt: '2026-03-10T16:30:00Z' }));
    // A comment without a rating on 12 March: counted as feedback, not in the average.
    await ok(mkt.post('/api/campaigns/KR/feedback', { customerId: null, rating: null, comment: 'venue', occurredAt: '2026-03-12T02:00:00Z' }));
    // R1 complains twice about C2, on 16 and 17 March: both in the 中旬.
    await ok(c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'R1', category: 'too_many_calls', contactId: 'C2', occurredAt: '2026-03-16T02:00:00Z' }));
    const last = await ok(c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'R1', category: 'too_many_calls', contactId: 'C2', occurredAt: '2026-03-17T02:00:00Z' }));
    const body = (await mkt.get(`/api/campaigns/KR/follow-up?minPosition=${last.position}`)).body;
    expect(body.checks.slice(0, 3).map((k: any) => k.reaction)).toEqual([
      // 上旬: one line rated 5; no complaint over R1 contacted → 0.
      { feedback: 1, averageRating: 5, complaints: 0, customersContacted: 1, complaintRate: 0 },
      // 中旬: rated 3 and a comment without rating → 3; 2 complaints over R1, the one customer contacted → 2.
      { feedback: 2, averageRating: 3, complaints: 2, customersContacted: 1, complaintRate: 2 },
      // 下旬: nothing → rating null (not 0), rate null (nobody contacted).
      { feedback: 0, averageRating: null, complaints: 0, customersContacted: 0, complaintRate: null },
    ]);
    // The whole campaign: 3 lines, (5 + 3) / 2 = 4; 2 complaints over 1 contacted customer.
    expect(body.reaction).toEqual({ feedback: 3, averageRating: 4, complaints: 2, complaintRate: 2 });
  });

  it('writes the participants\' times on the bank\'s clock, with the bank day of the enrolment', async () => {
    const c = api(t);
    const mkt = c.as('mkt-br1');
    await mkt.post('/api/campaigns', { campaignId: 'KP', name: 'KP', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-03-01', end: '2026-05-01' }, controlGroupPercent: 0 });
    await submitWithPlan(mkt, 'KP');
    await c.as('appr-ho').post('/api/campaigns/KP/approve');
    // Enrolled at 23:30 UTC on 1 March: 23:30 + 8 h = 07:30 on 2 March in Beijing.
    expect((await mkt.post('/api/campaigns/KP/launch', { occurredAt: '2026-03-01T23:30:00Z' })).body).toMatchObject({ audienceSize: 1 });
    // First contacted at 16:00 UTC on 3 March: midnight opening 4 March in Beijing.
    const contacted = await c.as('rm1').post('/api/interactions', { kind: 'contact', contactId: 'CP1', customerId: 'R1', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KP', occurredAt: '2026-03-03T16:00:00Z' });
    expect(contacted.status).toBe(201);
    const res = await fetch(`${t.url}/api/campaigns/KP/participants?minPosition=${contacted.body.position}`, { headers: { authorization: `Bearer ${t.runtime.tokens.issue('mkt-br1').token}` } });
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines).toEqual([
      'customerId,group,enrolledDay,enrolledAt,firstContactedAt,firstOfferedAt,firstAcceptedAt,tookPartAt',
      'R1,treatment,2026-03-02,2026-03-02 07:30:00,2026-03-04 00:00:00,,,',
    ]);
  });
});

describe("each 旬's customers contacted are counted once each over the window, by the database", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    for (const id of ['S1', 'S2', 'S3']) await seedCustomer(t, id);
  });
  afterAll(() => t.close());

  it('counts a customer contacted on two days of one 旬 once, and a contact or complaint at 23:30 / 00:00 / 00:30 Beijing in the 旬 of its bank day', async () => {
    const c = api(t);
    const mkt = c.as('mkt-br1');
    const ok = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await ok(mkt.post('/api/campaigns', { campaignId: 'KS', name: 'KS', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-03-01', end: '2026-05-01' }, controlGroupPercent: 0 }));
    await ok(submitWithPlan(mkt, 'KS'));
    await ok(c.as('appr-ho').post('/api/campaigns/KS/approve'));
    expect(await ok(mkt.post('/api/campaigns/KS/launch', { occurredAt: '2026-03-01T01:00:00Z' }))).toMatchObject({ audienceSize: 3 });
    const contact = (contactId: string, customerId: string, occurredAt: string) =>
      ok(c.as('rm1').post('/api/interactions', { kind: 'contact', contactId, customerId, staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KS', occurredAt }));
    // S1 on 1 and 9 March Beijing (10:00): two bank days of the 上旬, one customer.
    await contact('S1-a', 'S1', '2026-03-01T02:00:00Z');
    await contact('S1-b', 'S1', '2026-03-09T02:00:00Z');
    // S2 at 23:30 on 10 March Beijing (15:30Z): the 上旬's last half hour.
    await contact('S2-a', 'S2', '2026-03-10T15:30:00Z');
    // S3 at 00:30 on 11 March Beijing (10 March 16:30Z, still the 10th in UTC): the 中旬.
    await contact('S3-a', 'S3', '2026-03-10T16:30:00Z');
    // S1 again at 00:30 on 21 March Beijing (20 March 16:30Z): the 下旬.
    await contact('S1-c', 'S1', '2026-03-20T16:30:00Z');
    // S2 complains at midnight opening 11 March Beijing (10 March 16:00Z): the 中旬, where S2 was not contacted.
    const last = await ok(c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'S2', category: 'too_many_calls', contactId: 'S2-a', occurredAt: '2026-03-10T16:00:00Z' }));
    const body = (await mkt.get(`/api/campaigns/KS/follow-up?minPosition=${last.position}`)).body;
    expect(body.checks.slice(0, 4).map((k: any) => [k.firstDay, k.contactedInWindow, k.reaction.customersContacted, k.reaction.complaints, k.reaction.complaintRate])).toEqual([
      // 上旬: 3 contacts (S1 twice, S2) of 2 customers — not 3, as adding each day's customers would give; no complaint → 0.
      ['2026-03-01', 3, 2, 0, 0],
      // 中旬: S3 alone; S2's complaint at 00:00 on the 11th over 1 customer contacted → 1.
      ['2026-03-11', 1, 1, 1, 1],
      // 下旬: S1 at 00:30 on the 21st; no complaint → 0.
      ['2026-03-21', 1, 1, 0, 0],
      // 上旬 of April: nobody contacted → rate null.
      ['2026-04-01', 0, 0, 0, null],
    ]);
  });
});

describe('the calendar where a bank day is not 24 hours long (BANK_TIME_ZONE=Europe/London)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BANK_TIME_ZONE: 'Europe/London' });
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  it('starts a bare day at the bank\'s own midnight: 23 hours on 29 March 2026, 25 hours on 25 October', async () => {
    const c = api(t);
    // Clocks go forward at 01:00 GMT on 29 March: the day runs 00:00 GMT to 23:59:59.999 BST (22:59:59.999Z).
    const spring = (await c.as('mkt-br1').get('/api/calendar?from=2026-03-29&to=2026-03-29')).body;
    expect([spring.from, spring.to]).toEqual(['2026-03-29T00:00:00.000Z', '2026-03-29T22:59:59.999Z']);
    // Clocks go back at 02:00 BST on 25 October: the day runs 00:00 BST (23:00Z the day before) to 23:59:59.999 GMT.
    const autumn = (await c.as('mkt-br1').get('/api/calendar?from=2026-10-25&to=2026-10-25')).body;
    expect([autumn.from, autumn.to]).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T23:59:59.999Z']);
  });
});
