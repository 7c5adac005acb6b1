import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type, data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const B = '2026-01-01T00:00:00+08:00';
const o = (event: NewEvent) => ({ stream: 'organisation', event });
const c = (id: string, event: NewEvent) => ({ stream: `customer-${id}`, event });
const assign = (id: string, s: string, at: string) => c(id, ev('CustomerAssignedToManager', { customerId: id, staffId: s }, at));
const transfer = (id: string, from: string, to: string, fs: string | null, ts: string, at: string) => [
  c(id, ev('CustomerTransferred', { customerId: id, fromUnitId: from, toUnitId: to, fromStaffId: fs, toStaffId: ts, crossBranch: false }, at)),
  assign(id, ts, at),
];
const sale = (cv: string, id: string, at: string, referrer: string | null = null) =>
  c(id, ev('ConversionRecorded', { conversionId: cv, customerId: id, staffId: 'rm2', productCode: 'DEP', amount: '1', revenue: '10.00', campaignId: null, referrerStaffId: referrer, referralId: null }, at));
/**
 * The scorecard's tables the same whatever the batches: one event per batch (every fact read back from the tables),
 * three, or all in one (every fact in memory). The history moves C1 up to WC1, back to SB2 and up to WC2 at 00:30
 * Beijing time, with sales at 23:30 the night before, recorded out of order, one reversed, and its referrer rm1 moving
 * unit; C2, onboarded in centre WC1, moves to WC2 (no sub-branch ever referred them) and is then moved out to SB1 by a
 * move recorded late and dated before a sale recorded earlier. Written from a hostile review's scratch spec.
 */
const HISTORY = [
  o(ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, B)),
  ...[['HO', null, false], ['BR1', 'HO', false], ['SB1', 'BR1', false], ['SB2', 'BR1', false], ['WC1', 'BR1', true], ['WC2', 'BR1', true]].map(([u, p, w]) =>
    o(ev('OrgUnitOpened', { unitId: u, parentId: p, name: u, level: 'sub_branch_1', wealthCentre: w }, B))),
  ...[['rm1', 'SB1'], ['rm2', 'SB2'], ['rmW', 'WC1'], ['rmV', 'WC2']].map(([s, u]) => o(ev('StaffMemberRegistered', { staffId: s, displayName: s, role: 'relationship_manager', unitId: u }, B))),
  c('C1', ev('CustomerOnboarded', { customerId: 'C1', homeUnitId: 'SB1' }, B)),
  assign('C1', 'rm1', '2026-01-02T09:00:00+08:00'),
  sale('A1', 'C1', '2026-02-10T10:00:00+08:00', 'rm2'),
  ...transfer('C1', 'SB1', 'WC1', 'rm1', 'rmW', '2026-03-01T00:30:00+08:00'),
  sale('A2', 'C1', '2026-03-05T10:00:00+08:00', 'rm2'),
  sale('A3', 'C1', '2026-02-28T23:30:00+08:00'),
  ...transfer('C1', 'WC1', 'SB2', 'rmW', 'rm2', '2026-04-01T00:30:00+08:00'),
  ...transfer('C1', 'SB2', 'WC2', 'rm2', 'rmV', '2026-05-01T00:30:00+08:00'),
  sale('A4', 'C1', '2026-03-31T23:30:00+08:00'),
  sale('A5', 'C1', '2026-05-02T10:00:00+08:00'),
  c('C1', ev('ConversionReversed', { customerId: 'C1', conversionId: 'A4' }, '2026-05-06T10:00:00+08:00')),
  o(ev('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB2' }, '2026-03-15T09:00:00+08:00')),
  c('C2', ev('CustomerOnboarded', { customerId: 'C2', homeUnitId: 'WC1' }, B)),
  assign('C2', 'rmW', '2026-01-02T09:00:00+08:00'),
  ...transfer('C2', 'WC1', 'WC2', 'rmW', 'rmV', '2026-03-01T00:30:00+08:00'),
  sale('B1', 'C2', '2026-03-03T10:00:00+08:00'),
  // backdated move out recorded late
  ...transfer('C2', 'WC2', 'SB1', 'rmV', 'rm1', '2026-03-02T10:00:00+08:00'),
  sale('B2', 'C2', '2026-03-03T11:00:00+08:00'),
];
const TABLES = ['sc_credits', 'sc_person_month', 'sc_unit_month', 'sc_customer_stays', 'sc_assignments', 'sc_staff_units', 'sc_staff_month', 'sc_open_assignments'];
async function build(batchSize: number) {
  const db = await createTestDatabase();
  await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize, timeoutMs: 120_000 });
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = await withReadModels(db.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(`SELECT * FROM ${t}`)).rows.map((r) => JSON.stringify(r)).sort());
  return { db, out };
}
describe('staff scorecard v11: batch boundaries and centre to centre, in the database', () => {
  const dbs: TestDatabase[] = [];
  afterAll(() => Promise.all(dbs.map((d) => d.drop())));

  it('gives every table the same with one event per batch, three, or all in one', async () => {
    const one = await build(1);
    dbs.push(one.db);
    const all = await build(1000);
    dbs.push(all.db);
    const three = await build(3);
    dbs.push(three.db);
    expect(all.out).toEqual(one.out);
    expect(three.out).toEqual(one.out);
    // C2, by hand: B1 (3 March, in WC2 under rmV, recorded before the move out) is rmV's plain sale in WC2: WC1 never
    // referred anyone, so no shadow. B2 (3 March 11:00, after the move out dated 2 March, recorded last) is rm1's in SB1
    // (rm1 in SB1 until 15 March).
    // Each unit month is the sum of its person rows (shadow points and reversals among them), whatever the batches.
    const recount = new Map<string, number[]>();
    for (const r of one.out.sc_person_month!.map((x) => JSON.parse(x as string))) {
      const k = `${r.period}/${r.unit_id}`;
      const f = [r.conversions, r.revenue_fen, r.points_hundredths, r.shadow_hundredths, r.penalty_hundredths].map(Number);
      const was = recount.get(k) ?? [0, 0, 0, 0, 0];
      recount.set(k, was.map((x, i) => x + f[i]!));
    }
    const units = one.out.sc_unit_month!.map((x) => JSON.parse(x as string)).map((r) => [`${r.period}/${r.unit_id}`, [r.conversions, r.revenue_fen, r.points_hundredths, r.shadow_hundredths, r.penalty_hundredths].map(Number)]);
    const nonZero = [...recount].filter(([, f]) => f.some((x) => x !== 0));
    expect(units.filter(([, f]) => (f as number[]).some((x) => x !== 0)).sort()).toEqual(nonZero.sort());
    // by hand: May's WC2 shadow of A5 (rmV, 10.00 at weight 1.5: 1,500 hundredths) is there.
    expect(units.find(([k]) => k === '2026-05/WC2')).toEqual(['2026-05/WC2', [0, 0, 0, 1500, 0]]);
    const c2 = one.out.sc_credits!.map((r) => JSON.parse(r as string)).filter((r) => r.customer_id === 'C2').map(({ conversion_id, kind, staff_id, unit_id, period }) => ({ conversion_id, kind, staff_id, unit_id, period }));
    expect(c2.sort((a, b) => a.conversion_id.localeCompare(b.conversion_id))).toEqual([
      { conversion_id: 'B1', kind: 'sale', staff_id: 'rmV', unit_id: 'WC2', period: '2026-03' },
      { conversion_id: 'B2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03' },
    ]);
  }, 300_000);
});
