import { Client } from 'pg';
import { api, seedCustomer, submitWithPlan } from './api';
import type { TestApp } from './test-app';

/**
 * K1, BR1's bond campaign (30 % control group), launched over `customers` customers C0, C1… by
 * mkt-br1 and caught up by the projector: what the as-of and replay specs read. The organisation
 * is seeded already.
 */
export async function launchBondCampaign(t: TestApp, customers: number): Promise<void> {
  const c = api(t);
  for (let i = 0; i < customers; i++) await seedCustomer(t, `C${i}`, { tolerance: 'R2' });
  const mkt = c.as('mkt-br1');
  await mkt.post('/api/campaigns', { campaignId: 'K1', name: 'Bonds', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 30 });
  await submitWithPlan(mkt, 'K1');
  await c.as('appr-ho').post('/api/campaigns/K1/approve');
  expect((await mkt.post('/api/campaigns/K1/launch')).status).toBe(200);
  expect(await t.runtime.projector!.catchUp(30_000)).toBe(true);
}

/**
 * Runs `read` while another session holds `table` (as a long maintenance statement would): every
 * read of it waits, so a read past READ_STATEMENT_TIMEOUT_MS is cut off. The lock goes after.
 */
export async function whileLocked<T>(t: TestApp, table: string, read: () => Promise<T>): Promise<T> {
  const blocker = new Client({ connectionString: t.db.url });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return await read();
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
}
