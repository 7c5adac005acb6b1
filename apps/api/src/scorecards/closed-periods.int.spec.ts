import { api, seedCustomer, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

const DAY = 86_400_000;
/** The bank month (Asia/Shanghai) of an instant; en-CA formats as YYYY-MM-DD. */
const bankMonth = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date(ms)).slice(0, 7);
/**
 * 10:00 Beijing (02:00Z) on the 28th of a bank month: inside it, and for last month never further back
 * than the 40 days' grace (1 to 34 days before any day of this month; the 15th was 41 days before
 * the 26th of a month after a 31-day one, and the spec failed on the last days of every month).
 */
const midMonth = (month: string) => `${month}-28T02:00:00.000Z`;

/**
 * Nobody bends the figures that set pay (issue 16, item 7), as found: a relationship manager dated
 * sales two months back and in 2001, and answered a complaint before it was made. Here the grace
 * is 40 days (BACKDATE_GRACE_DAYS), so that the month before this one can be closed and still be
 * within the grace: what refuses a sale there is the closing, not the grace.
 */
describe('closed months and business time on the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const now = Date.now();
  // The bank month before this one: 20 days before the 1st of this month (Beijing) is always in it.
  const thisMonth = bankMonth(now);
  const lastMonth = bankMonth(Date.parse(`${thisMonth}-01T00:00:00+08:00`) - 20 * DAY);
  const sale = (over: Record<string, unknown> = {}) => ({ kind: 'conversion', customerId: 'S1', staffId: 'rm1', productCode: 'GOLD', amount: 1000, revenue: '10', ...over });
  const count = async () => (await storedEvents(t, 'customer-S1')).length;

  beforeAll(async () => {
    t = await startTestApp({ BACKDATE_GRACE_DAYS: '40' });
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'S1', { tolerance: 'R3' });
  });
  afterAll(() => t.close());

  it('refuses a sale dated two months back, or in 2001 (422 BACKDATED_TOO_FAR), appending nothing', async () => {
    const before = await count();
    for (const occurredAt of [new Date(now - 61 * DAY).toISOString(), '2001-06-15T02:00:00.000Z']) {
      const r = await c.as('rm1').post('/api/interactions', sale({ occurredAt }));
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'BACKDATED_TOO_FAR', details: { graceDays: 40 } });
    }
    expect(await count()).toBe(before);
  });

  it('refuses an answer dated before its complaint (422 ANSWER_BEFORE_COMPLAINT), which would clear its late flag', async () => {
    const complaint = await c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'S1', complaintId: 'Q1', category: 'too_many_calls', answerWithinDays: 1 });
    expect(complaint.status).toBe(201);
    const early = await c.as('rm1').post('/api/customers/S1/complaints/Q1/answer', { occurredAt: new Date(now - 3_600_000).toISOString() });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('ANSWER_BEFORE_COMPLAINT');
    expect((await c.as('rm1').post('/api/customers/S1/complaints/Q1/answer', {})).status).toBe(200);
  });

  it('lets head office close last month, and then refuses facts dated in it (422 PERIOD_CLOSED) to staff and to an admin without a correction', async () => {
    expect((await c.as('rm1').post('/api/interactions', sale({ occurredAt: midMonth(lastMonth) }))).status).toBe(201); // open: fine
    const closed = await c.as('admin').post('/api/org/closed-months', { month: lastMonth });
    expect(closed.status).toBe(200);
    expect(closed.body.events).toEqual(['BusinessMonthClosed']);
    expect((await c.as('admin').post('/api/org/closed-months', { month: thisMonth })).body.error.code).toBe('MONTH_NOT_OVER');
    const before = await count();
    for (const who of ['rm1', 'head-br1', 'admin']) {
      const r = await c.as(who).post('/api/interactions', sale({ occurredAt: midMonth(lastMonth) }));
      expect({ who, status: r.status, code: r.body.error?.code, month: r.body.error?.details?.month }).toEqual({ who, status: 422, code: 'PERIOD_CLOSED', month: lastMonth });
    }
    expect(await count()).toBe(before);
  });

  it("records an admin's correction in a closed month, with its reason, and shows it on the person's scorecard", async () => {
    // A code and a ticket number, no free text: the reason stays in the events' metadata, out of erasure's reach.
    const reason = 'late_booking TICKET-2026-7';
    const notAdmin = await c.as('head-br1').post('/api/interactions', sale({ occurredAt: midMonth(lastMonth) }), { 'correction-reason': 'late_booking' });
    expect(notAdmin.status).toBe(403);
    const prose = await c.as('admin').post('/api/interactions', sale({ occurredAt: midMonth(lastMonth) }), { 'correction-reason': encodeURIComponent('Mr Wang keyed it late') });
    expect({ status: prose.status, code: prose.body.error.code }).toEqual({ status: 400, code: 'INVALID_CORRECTION_REASON' });
    const r = await c.as('admin').post('/api/interactions', sale({ occurredAt: midMonth(lastMonth), conversionId: 'V-FIX' }), { 'correction-reason': 'late_booking', 'correction-reference': 'TICKET-2026-7' });
    expect(r.status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT metadata FROM es_events WHERE stream_id = 'customer-S1' AND data->>'conversionId' = 'V-FIX'`);
    expect(rows[0].metadata).toMatchObject({ actor: 'admin', correction: reason, occurredAt: midMonth(lastMonth) });
    const card = await c.as('head-br1').get(`/api/scorecards/rm1?period=${lastMonth}&minPosition=${r.body.position}`);
    expect(card.status).toBe(200);
    expect(card.body.corrections).toEqual([expect.objectContaining({ type: 'ConversionRecorded', customerId: 'S1', correctedBy: 'admin', reason, occurredAt: midMonth(lastMonth) })]);
    // two sales of 1,000 CNY in the month: the one before the closing and the correction
    expect(card.body.credits.filter((x: { kind: string }) => x.kind !== 'referral')).toHaveLength(2);
  });
  it("refuses to reverse a sale of a closed month (422 PERIOD_CLOSED), though dated today, and leaves that month's scorecard as it was; an admin's correction goes through (issue 16, item 7a)", async () => {
    // V-FIX: rm1's sale dated in last month (closed above), 1,000 CNY.
    const card = async () => (await c.as('head-br1').get(`/api/scorecards/rm1?period=${lastMonth}`)).body;
    const before = await card();
    const events = await count();
    for (const who of ['rm1', 'head-br1', 'admin']) {
      const r = await c.as(who).post('/api/interactions', { kind: 'reversal', customerId: 'S1', conversionId: 'V-FIX', reason: 'keyed twice' });
      expect({ who, status: r.status, code: r.body.error?.code, month: r.body.error?.details?.month }).toEqual({ who, status: 422, code: 'PERIOD_CLOSED', month: lastMonth });
    }
    expect(await count()).toBe(events);
    expect(await card()).toEqual(before);
    const fixed = await c.as('admin').post('/api/interactions', { kind: 'reversal', customerId: 'S1', conversionId: 'V-FIX', reason: 'keyed twice' }, { 'correction-reason': 'booking_error' });
    expect(fixed.status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT metadata FROM es_events WHERE stream_id = 'customer-S1' AND type = 'ConversionReversed'`);
    expect(rows.map((r: { metadata: unknown }) => r.metadata)).toEqual([expect.objectContaining({ actor: 'admin', correction: 'booking_error' })]);
    // Shown under the sale's month, beside the sale it undid, though the reversal is dated today.
    const after = (await c.as('head-br1').get(`/api/scorecards/rm1?period=${lastMonth}&minPosition=${fixed.body.position}`)).body;
    expect(after.corrections.map((x: { type: string; reason: string; correctedBy: string }) => [x.type, x.reason, x.correctedBy])).toEqual([
      ['ConversionRecorded', 'late_booking TICKET-2026-7', 'admin'],
      ['ConversionReversed', 'booking_error', 'admin'],
    ]);
    const vfix = after.credits.filter((x: { conversionId: string; kind: string }) => x.conversionId === 'V-FIX' && x.kind !== 'referral');
    expect(vfix.map((x: { reversed: boolean }) => x.reversed)).toEqual([true]);
  });
});
