import type { Actor } from '@app/domain';
import type { DemoProduct } from '../demo-bank';
import { money, type Seeding } from '../seeding';
import { facts, type PlannedCampaign } from './campaign-plans';
import { customerCommand, type Profile } from './profile';

/** Products whose sale moves money into the bank's financial assets (insurance and services do not). */
const ASSET_CATEGORIES = new Set(['deposit', 'wealth', 'fund', 'gold']);

/**
 * A sale, for a campaign or not, perhaps on a referral. The customer then holds the product and,
 * for an investment, half the amount is new money. A few sales are reversed the same evening.
 */
export function sale(
  s: Seeding,
  p: Profile,
  rm: Actor,
  product: DemoProduct,
  c: PlannedCampaign | null,
  when: string,
  referrerStaffId: string | null = null,
  referralId: string | null = null,
  controlGroupsInForce: readonly string[] = [],
): void {
  const { rnd } = s;
  // E-banking is a sign-up, not an amount: one unit, and a flat revenue.
  const amount = product.productCode === 'EBANK' ? 1 : Math.max(1000, Math.round(product.typicalAmount * Math.exp(0.5 * rnd.normal())));
  const revenue = product.productCode === 'EBANK' ? 30 : amount * product.margin;
  const conversionId = s.nextId('CV');
  const r = customerCommand(s, p, rm, when, {
    type: 'RecordConversion', conversionId, staffId: rm.userId, product: s.org.products.get(product.productCode)!, amount: money(amount), revenue: money(revenue),
    campaign: c ? facts(c) : null, controlGroupsInForce, referrerStaffId, referralId,
  });
  if (r instanceof Error) return;
  p.holdings.add(product.productCode);
  if (ASSET_CATEGORIES.has(product.category)) p.assets += amount * 0.5;
  if (rnd.chance(0.03)) customerCommand(s, p, rm, when.replace(/T\d\d/, 'T20'), { type: 'ReverseConversion', conversionId, reasonNote: (rnd.pick(['cooling-off cancellation', 'disputed']), null) });
}
