import { api, seedCustomer, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

describe('probe', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); await seedOrganisation(t); await seedCustomer(t, 'C1', { tolerance: 'R3' }); });
  afterAll(() => t.close());
  it('probes', async () => {
    const c = api(t);
    const raw = async (path: string, body: string, ct = 'application/json', actor = 'admin') => {
      try { const r = await c.as(actor).post(path, body, { 'content-type': ct }); return [path, body.slice(0, 80), ct, r.status, JSON.stringify(r.body).slice(0, 200)]; }
      catch (e) { return [path, body.slice(0, 60), String(e).slice(0, 200)]; }
    };
    const log: unknown[] = [];
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N1', segment: 'retail', gender: 'F', assetsByUnit: { constructor: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', '{"customerId":"N2","segment":"retail","gender":"F","assetsByUnit":{"__proto__":"100"}}', undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N3', segment: 'retail', gender: 'F', assetsByUnit: { toString: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N4', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '100', NOPE: '1000' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N5', segment: 'retail\u0000', gender: 'F', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N6', segment: 'retail\ud800', gender: 'F', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N7', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '-100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N8', segment: 'retail', gender: 'F', occurredAt: '2026-02-30', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N9', segment: 'retail', gender: 'F', occurredAt: '1900-01-01', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N10', segment: 'retail', gender: 'F', occurredAt: '0001-01-01', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N11', segment: 'retail', gender: 'F', occurredAt: '2026-01-01T99:99:99Z', assetsByUnit: { SB1: '100' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers', JSON.stringify({ customerId: 'N12', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '9999999999999.99' } }), undefined, 'rm1'));
    log.push(await raw('/api/customers/C1/risk-assessment', JSON.stringify({ tolerance: 'R3', occurredAt: '2999-01-01' }), undefined, 'rm1'));
    log.push(String(Date.parse('2026-02-30')));
    console.log(JSON.stringify(log, null, 1));
  });
});
