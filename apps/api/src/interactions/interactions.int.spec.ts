import { api, seedCustomer, seedOrganisation, storedEvents, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

describe('interactions through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let treatment: string[];
  let control: string[];
  const eventsOf = (streamId: string) => storedEvents(t, streamId);

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (let i = 0; i < 20; i++) await seedCustomer(t, `C${i}`, { tolerance: 'R2' });
    await seedCustomer(t, 'OPTEDOUT', { optedOut: ['phone'] });
    const mkt = c.as('mkt-br1');
    await mkt.post('/api/campaigns', {
      campaignId: 'K1',
      name: 'Bond switch',
      ownerUnitId: 'BR1',
      productCodes: ['FUND-BOND', 'FUND-EQ'],
      channels: ['phone'],
      budget: '1000',
      period: { start: '2026-01-01', end: '2030-01-01' },
      controlGroupPercent: 30,
    });
    await submitWithPlan(mkt, 'K1');
    await c.as('appr-ho').post('/api/campaigns/K1/approve');
    const launched = await mkt.post('/api/campaigns/K1/launch');
    expect(launched.status).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'customerId' LIKE 'C%' ORDER BY data->>'customerId'`);
    treatment = rows.filter((r) => r.data.group === 'treatment').map((r) => r.data.customerId);
    control = rows.filter((r) => r.data.group === 'control').map((r) => r.data.customerId);
    expect(treatment.length).toBeGreaterThan(3);
    expect(control.length).toBeGreaterThan(0);
  });
  afterAll(() => t.close());

  const contact = (customerId: string, over: Record<string, unknown> = {}) =>
    c.as('rm1').post('/api/interactions', { kind: 'contact', customerId, staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K1', ...over });

  it('records a campaign contact and returns the new position', async () => {
    const r = await contact(treatment[0]!);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ streamId: `customer-${treatment[0]}`, events: ['CustomerContacted'] });
    expect(r.body.position).toMatch(/^\d+\/\d+$/);
    const events = await eventsOf(`customer-${treatment[0]}`);
    expect(events.at(-1)).toMatchObject({ type: 'CustomerContacted', data: { customerId: treatment[0], staffId: 'rm1', channel: 'phone', campaignId: 'K1', outcomeNote: expect.stringMatching(/^contact:.*:outcome$/) } });
  });

  it('keeps an outcome note before the contact is appended, and takes it back when the contact is refused, never a note an event names', async () => {
    await seedCustomer(t, 'NOTES', { optedOut: ['sms'] });
    const notes = async () => (await t.db.pool.query(`SELECT note_id FROM pii_notes WHERE customer_id = 'NOTES' ORDER BY 1`)).rows.map((r) => r.note_id);
    const send = (contactId: string, channel: string) => contact('NOTES', { campaignId: null, contactId, channel, outcome: 'asked to call back after Spring Festival' });
    expect((await send('CT-NOTE-1', 'phone')).status).toBe(201);
    expect(await notes()).toEqual(['contact:CT-NOTE-1:outcome']);
    // Refused (opted out of sms): its note is taken back.
    expect((await send('CT-NOTE-2', 'sms')).status).toBe(422);
    expect(await notes()).toEqual(['contact:CT-NOTE-1:outcome']);
    // Refused as a second contact of the same id: the first contact's note stays (this request did not write it).
    expect((await send('CT-NOTE-1', 'phone')).status).toBe(409);
    expect(await notes()).toEqual(['contact:CT-NOTE-1:outcome']);
  });

  it('refuses a channel the customer opted out of (422 OPTED_OUT)', async () => {
    const r = await contact('OPTEDOUT', { campaignId: null });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'OPTED_OUT', details: { channel: 'phone' } });
  });

  it('contacts a customer with no consent on file, refuses once they opt out (422 OPTED_OUT), and contacts them again once they opt back in', async () => {
    await seedCustomer(t, 'FRESH');
    const call = () => contact('FRESH', { campaignId: null, outcome: 'maintenance call' });
    expect((await call()).status).toBe(201);
    expect((await c.as('rm1').post('/api/customers/FRESH/consents', { channel: 'phone', granted: false })).body.events).toEqual(['ConsentWithdrawn']);
    const refused = await call();
    expect([refused.status, refused.body.error?.code]).toEqual([422, 'OPTED_OUT']);
    expect((await c.as('rm1').post('/api/customers/FRESH/consents', { channel: 'phone', granted: true })).body.events).toEqual(['ConsentGranted']);
    expect((await call()).status).toBe(201);
  });

  it('refuses a contact, offer or sale for a campaign once its period is over (422 CAMPAIGN_PERIOD_OVER)', async () => {
    await seedCustomer(t, 'JAN1', { gender: 'U', tolerance: 'R2' });
    const mkt = c.as('mkt-br1');
    const january = { start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' };
    await mkt.post('/api/campaigns', { campaignId: 'K-JAN', name: 'January', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], audience: { genders: ['U'] }, budget: '100', period: january, controlGroupPercent: 0 });
    await submitWithPlan(mkt, 'K-JAN');
    await c.as('appr-ho').post('/api/campaigns/K-JAN/approve');
    expect((await mkt.post('/api/campaigns/K-JAN/launch', { occurredAt: '2026-01-10T09:00:00Z' })).body).toMatchObject({ audienceSize: 1 });
    const rm = c.as('rm1');
    const tagged = { customerId: 'JAN1', staffId: 'rm1', campaignId: 'K-JAN' };
    expect((await rm.post('/api/interactions', { kind: 'contact', ...tagged, channel: 'phone', outcome: 'reached', occurredAt: '2026-01-20T10:00:00Z' })).status).toBe(201);
    const after = '2026-02-01T00:00:00Z';
    for (const body of [
      { kind: 'contact', ...tagged, channel: 'phone', outcome: 'reached', occurredAt: after },
      { kind: 'offer', ...tagged, productCode: 'FUND-BOND', occurredAt: after },
      { kind: 'conversion', ...tagged, productCode: 'FUND-BOND', amount: '1000', revenue: '10', occurredAt: after },
    ]) {
      const r = await rm.post('/api/interactions', body);
      expect({ kind: body.kind, status: r.status, error: r.body.error }).toMatchObject({ kind: body.kind, status: 422, error: { code: 'CAMPAIGN_PERIOD_OVER', details: { campaignId: 'K-JAN', end: '2026-02-01T00:00:00.000Z' } } });
    }
  });

  it('refuses contacting a control-group customer for the campaign (422 CONTROL_GROUP_CUSTOMER)', async () => {
    const r = await contact(control[0]!);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CONTROL_GROUP_CUSTOMER');
  });

  it('refuses a second contact by the campaign within 7 days (422 CONTACT_LIMIT_REACHED), appending nothing', async () => {
    expect((await contact(treatment[1]!)).status).toBe(201);
    const before = (await eventsOf(`customer-${treatment[1]}`)).length;
    const r = await contact(treatment[1]!);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'CONTACT_LIMIT_REACHED', details: { limit: 'per_campaign_7_days' } });
    expect(await eventsOf(`customer-${treatment[1]}`)).toHaveLength(before);
  });

  it('never lets racing contacts pass the limit together', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => contact(treatment[2]!)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.error.code === 'CONTACT_LIMIT_REACHED')).toBe(true);
    const contacts = (await eventsOf(`customer-${treatment[2]}`)).filter((e) => e.type === 'CustomerContacted');
    expect(contacts).toHaveLength(1);
  });

  it('blocks an unsuitable offer (422 OFFER_NOT_SUITABLE) and keeps the refusal on record', async () => {
    const r = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId: treatment[3], staffId: 'rm1', productCode: 'FUND-EQ', campaignId: 'K1' });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'OFFER_NOT_SUITABLE', details: { reason: 'risk_above_tolerance', customerTolerance: 'R2' } });
    const events = await eventsOf(`customer-${treatment[3]}`);
    expect(events.at(-1)).toEqual({
      type: 'OfferBlockedAsUnsuitable',
      data: { customerId: treatment[3], staffId: 'rm1', productCode: 'FUND-EQ', productRiskLevel: 'R4', customerTolerance: 'R2', reason: 'risk_above_tolerance', attempted: 'offer', campaignId: 'K1' },
    });
  });

  it('records an offer, its acceptance and the conversion with exact amounts, then a reversal', async () => {
    const customerId = treatment[3]!;
    const offer = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId, staffId: 'rm1', productCode: 'FUND-BOND', campaignId: 'K1' });
    expect(offer.status).toBe(201);
    expect((await c.as('rm1').post('/api/interactions', { kind: 'offer-response', customerId, offerId: offer.body.id, accepted: true })).status).toBe(201);
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId, staffId: 'rm1', productCode: 'FUND-BOND', amount: 50000, revenue: '750.5', campaignId: 'K1' });
    expect(sale.status).toBe(201);
    const recorded = (await eventsOf(`customer-${customerId}`)).find((e) => e.type === 'ConversionRecorded')!;
    expect(recorded.data).toMatchObject({ conversionId: sale.body.id, amount: '50000.00', revenue: '750.50', campaignId: 'K1', referrerStaffId: null });
    const reversal = await c.as('rm1').post('/api/interactions', { kind: 'reversal', customerId, conversionId: sale.body.id, reason: 'cooling-off' });
    expect(reversal.status).toBe(201);
    const again = await c.as('rm1').post('/api/interactions', { kind: 'reversal', customerId, conversionId: sale.body.id, reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_REVERSED');
  });

  it('records a referral and a complaint tied to its contact', async () => {
    const customerId = treatment[0]!;
    const ref = await c.as('rm2').post('/api/interactions', { kind: 'referral', customerId, referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' });
    expect(ref.status).toBe(201);
    const contactEvent = (await eventsOf(`customer-${customerId}`)).find((e) => e.type === 'CustomerContacted')!;
    const complaint = await c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId, category: 'too_many_calls', contactId: contactEvent.data.contactId });
    expect(complaint.status).toBe(201);
    const recorded = (await eventsOf(`customer-${customerId}`)).at(-1)!;
    expect(recorded).toMatchObject({ type: 'ComplaintRecorded', data: { staffId: 'rm1', campaignId: 'K1', contactId: contactEvent.data.contactId } });
  });

  it('answers an unknown customer with 404 and an unknown kind with 400', async () => {
    const r = await contact('NOBODY', { campaignId: null });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('UNKNOWN_CUSTOMER');
    const bad = await c.as('rm1').post('/api/interactions', { kind: 'telepathy', customerId: 'C1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  describe('Idempotency-Key', () => {
    it('returns the first response to a repeat and appends nothing', async () => {
      const headers = { 'idempotency-key': 'contact-once-1' };
      const body = { kind: 'contact', customerId: treatment[4], staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K1' };
      const first = await c.as('rm1').post('/api/interactions', body, headers);
      expect(first.status).toBe(201);
      const head = await t.runtime.store.headPosition();
      const repeat = await c.as('rm1').post('/api/interactions', body, headers);
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(await t.runtime.store.headPosition()).toEqual(head);
    });

    it('replays a refusal as well', async () => {
      const headers = { 'idempotency-key': 'refused-once' };
      const body = { kind: 'contact', customerId: control[0], staffId: 'rm1', channel: 'phone', outcome: 'x', campaignId: 'K1' };
      const first = await c.as('rm1').post('/api/interactions', body, headers);
      const repeat = await c.as('rm1').post('/api/interactions', body, headers);
      expect([first.status, repeat.status]).toEqual([422, 422]);
      expect(repeat.body).toEqual(first.body);
    });

    it('refuses the same key with a different body (422)', async () => {
      const headers = { 'idempotency-key': 'reused-key' };
      await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'OPTEDOUT', staffId: 'rm1', channel: 'phone', outcome: 'a' }, headers);
      const r = await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'OPTEDOUT', staffId: 'rm1', channel: 'phone', outcome: 'b' }, headers);
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });
});
