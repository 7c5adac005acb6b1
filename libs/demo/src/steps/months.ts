import { addMonths, at } from '../calendar';
import { DEMO_PRODUCTS } from '../demo-bank';
import { ADMIN, money, type Seeding } from '../seeding';
import type { PlannedCampaign } from './campaign-plans';
import { campaignWork } from './campaign-work';
import { customerCommand, type CustomerMonth, type Profile } from './profile';
import { sale } from './sale';

/** What sells outside campaigns: everything but the e-banking sign-up. */
const ORGANIC = DEMO_PRODUCTS.filter((x) => x.productCode !== 'EBANK');

/** Business as usual: the manager's maintenance calls, and now and then a sale, some on a referral. */
function businessAsUsual(s: Seeding, v: CustomerMonth): void {
  const { rnd } = s;
  const { p, rm, manager, month } = v;
  if (v.state.managerId && rnd.chance(0.3) && p.channels.includes('phone')) {
    customerCommand(s, p, rm, at(month, rnd.int(1, 27), 9), { type: 'RecordContact', contactId: s.nextId('CT'), staffId: manager, channel: 'phone', outcomeNote: null, campaign: null, controlGroupsInForce: [] });
  }
  if (!rnd.chance(0.012)) return;
  const product = rnd.pick(ORGANIC);
  if (rnd.chance(0.25)) {
    // An outlet's head passes the customer to their manager (转介绍); the seller records it.
    const referrer = `${p.head}-1`;
    const referralId = s.nextId('RF');
    const when = at(month, rnd.int(1, 25), 13);
    const referred = customerCommand(s, p, rm, when, { type: 'ReferCrossSell', referralId, referrerStaffId: referrer, sellerStaffId: manager, productCode: product.productCode });
    if (!(referred instanceof Error)) sale(s, p, rm, product, null, when, referrer, referralId);
  } else {
    sale(s, p, rm, product, null, at(month, rnd.int(1, 27), 15));
  }
}

/**
 * Month end: assets drift, a few small customers leave, risk profiles are reassessed every eleven months, and
 * the balance is recorded with the month's sales in the holdings (tiers follow from it).
 */
function monthEnd(s: Seeding, { p, m, month }: CustomerMonth): void {
  const { rnd } = s;
  const head = s.actor(p.head);
  if (!p.leaver && !p.holdings.has('DEP-1Y') && p.assets < 20_000 && rnd.chance(0.004)) p.leaver = true;
  p.assets = p.leaver ? 0 : Math.max(0, p.assets * Math.exp(0.004 + 0.06 * rnd.normal()));
  if (p.leaver) p.holdings.clear();
  if (p.tolerance && m > 0 && m % 11 === 0) customerCommand(s, p, head, at(month, 28, 9), { type: 'AssessRisk', tolerance: p.tolerance });
  // The core-banking feed (admin) posts the balance; the sub-branch head reassesses risk, never the seller.
  customerCommand(s, p, ADMIN, at(addMonths(month, 1), 1, 2), { type: 'RecordBalanceSnapshot', month, averageDailyAssets: money(p.assets), holdings: [...p.holdings].sort() });
}

/** Month `m` for every customer: the running campaigns' work, business as usual, month end. */
export async function customerActivity(s: Seeding, profiles: readonly Profile[], running: readonly PlannedCampaign[], m: number, month: string): Promise<void> {
  for (const [i, p] of profiles.entries()) {
    const state = s.batch.state(p.id);
    // Customers without a manager of their own see one of their sub-branch's, drawn each month.
    const manager = state.managerId ?? s.rnd.pick(p.managers);
    // Running campaigns are launched and within their period all month (they close on the 28th, their period ends after).
    const controlGroupsInForce = running.filter((c) => state.enrolments.get(c.campaignId) === 'control').map((c) => c.campaignId);
    const v: CustomerMonth = { p, i, m, month, state, manager, rm: s.actor(manager), controlGroupsInForce };
    for (const c of running) campaignWork(s, v, c);
    businessAsUsual(s, v);
    monthEnd(s, v);
    await s.batch.maybeFlush();
    if (i % 500 === 0) s.progress(`month ${m + 1}/${s.options.months}`, s.options.customers * (m + 1) + i);
  }
  await s.batch.flush();
}
