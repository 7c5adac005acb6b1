import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

describe('audit log and security headers', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'A1', { optedOut: ['phone'] });
  });
  afterAll(() => t.close());

  /** The log, once it holds an entry matching `expect` (records are written just after each response). */
  const entries = async (query = '', expected: (e: Record<string, unknown>) => boolean = () => true) => {
    for (let i = 0; ; i++) {
      const list = (await c.as('admin').get(`/api/audit?limit=1000${query}`)).body.entries as Record<string, unknown>[];
      if (list.some(expected) || i >= 100) return list;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('records a command with its actor, unit, correlation id and outcome', async () => {
    await c.as('rm1').post('/api/customers/A1/consents', { channel: 'sms', granted: true }, { 'x-correlation-id': 'corr-42' });
    expect((await entries('', (e) => e.correlationId === 'corr-42')).find((e) => e.correlationId === 'corr-42')).toMatchObject({ actor: 'rm1', orgUnit: 'SB1', method: 'POST', path: '/api/customers/A1/consents', status: 200, outcome: 'ok', kind: 'command' });
  });

  it('records refusals with their code, and denied attempts with the claimed actor', async () => {
    await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'A1', staffId: 'rm1', channel: 'phone', outcome: 'x' }, { 'x-correlation-id': 'corr-refused' });
    await c.as('mallory').post('/api/campaigns', {}, { 'x-correlation-id': 'corr-401' });
    await c.as('rm1').post('/api/org/units', { unitId: 'X', name: 'x', level: 'outlet', parentId: 'SB1' }, { 'x-correlation-id': 'corr-403' });
    const all = await entries('', (e) => e.correlationId === 'corr-403');
    for (const id of ['corr-refused', 'corr-401']) if (!all.some((e) => e.correlationId === id)) all.push(...(await entries('', (e) => e.correlationId === id)));
    expect(all.find((e) => e.correlationId === 'corr-refused')).toMatchObject({ status: 422, outcome: 'refused', code: 'OPTED_OUT' });
    expect(all.find((e) => e.correlationId === 'corr-401')).toMatchObject({ actor: 'mallory', status: 401, outcome: 'denied', code: 'UNKNOWN_ACTOR' });
    expect(all.find((e) => e.correlationId === 'corr-403')).toMatchObject({ actor: 'rm1', status: 403, outcome: 'denied', code: 'ROLE_NOT_ALLOWED' });
  });

  it('records reads of personal data', async () => {
    // A1 has no manager: a head writes its personal data (the sub-branch's relationship managers see it masked).
    const written = await c.as('head-br1').post('/api/customers/A1/personal-data', { name: 'Chen Yi' });
    expect(written.status).toBe(200);
    // read once the customer view includes the write (the projector may lag on a loaded machine)
    const read = await c.as('rm2').get(`/api/customers/A1?minPosition=${written.body.position}`);
    expect(read.status).toBe(200);
    expect((await entries('&actor=rm2', (e) => e.kind === 'personal-data-read')).find((e) => e.kind === 'personal-data-read')).toMatchObject({ path: '/api/customers/A1', status: 200 });
  });

  it('lets only admins read the audit log', async () => {
    expect((await c.as('rm1').get('/api/audit')).status).toBe(403);
  });

  it('sends security headers', async () => {
    const r = await fetch(`${t.url}/health`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});
