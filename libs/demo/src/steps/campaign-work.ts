import { at } from '../calendar';
import { DEMO_PRODUCTS, type DemoProduct } from '../demo-bank';
import type { Seeding } from '../seeding';
import { facts, type PlannedCampaign } from './campaign-plans';
import { customerCommand, type CustomerMonth } from './profile';
import { sale } from './sale';

const PRODUCT = new Map(DEMO_PRODUCTS.map((p) => [p.productCode, p]));

/** A contact sometimes draws a complaint, which the outlet's head mostly answers within the week. */
function complain(s: Seeding, v: CustomerMonth, contactId: string, day: number): void {
  const { rnd } = s;
  const complaintId = s.nextId('CP');
  customerCommand(s, v.p, v.rm, at(v.month, day, 16), { type: 'RecordComplaint', complaintId, category: rnd.pick(['too_many_calls', 'pushy_sale', 'wrong_product']), descriptionNote: null, contactId, answerWithinDays: 5 });
  if (rnd.chance(0.85)) customerCommand(s, v.p, s.actor(v.p.head), at(v.month, Math.min(day + rnd.int(1, 8), 28), 11), { type: 'AnswerComplaint', complaintId });
}

/**
 * A treatment customer: more likely contacted in the launch month, then offered the product; the
 * rules may refuse the contact (opt-out, limits) or the offer (suitability), and that ends it.
 */
function treat(s: Seeding, v: CustomerMonth, c: PlannedCampaign, product: DemoProduct): void {
  const { rnd } = s;
  const { p, rm, manager, month } = v;
  if (!rnd.chance(v.m === c.launchMonth ? 0.75 : 0.45)) return;
  const day = rnd.int(2, 24);
  // Mostly on a channel the customer accepts; now and then on the campaign's first, which they may have opted out of.
  const channel = rnd.chance(0.95) ? c.channels.find((ch) => p.channels.includes(ch)) ?? c.channels[0]! : c.channels[0]!;
  const contactId = s.nextId('CT');
  const outcome = rnd.pick(['reached', 'reached', 'interested', 'call back later']);
  const contacted = customerCommand(s, p, rm, at(month, day, 10, v.i % 60), {
    type: 'RecordContact', contactId, staffId: manager, channel, outcomeNote: null, campaign: facts(c), controlGroupsInForce: v.controlGroupsInForce,
  });
  if (contacted instanceof Error) return;
  // At a lecture the customers who came took part (004 篇九 第三十条 2), whether or not they buy.
  if (c.attended && outcome !== 'call back later') customerCommand(s, p, rm, at(month, day, 15), { type: 'RecordCampaignParticipation', campaign: facts(c), how: 'attended' });
  if (rnd.chance(0.04)) complain(s, v, contactId, day);
  const offerId = s.nextId('OF');
  const offered = customerCommand(s, p, rm, at(month, day, 11), {
    type: 'PresentOffer', offerId, staffId: manager, product: s.org.products.get(product.productCode)!, campaign: facts(c), controlGroupsInForce: v.controlGroupsInForce,
  });
  if (offered instanceof Error) return;
  const converts = rnd.chance(c.treated);
  customerCommand(s, p, rm, at(month, day + 1, 12), { type: 'RespondToOffer', offerId, accepted: converts || rnd.chance(0.1) });
  if (converts) sale(s, p, rm, product, c, at(month, day + rnd.int(1, 3), 14), null, null, v.controlGroupsInForce);
}

/**
 * The customer's part in a running campaign they are enrolled in: treatment customers are
 * contacted and offered its products; control customers are not, though a few buy anyway.
 */
export function campaignWork(s: Seeding, v: CustomerMonth, c: PlannedCampaign): void {
  const group = v.state.enrolments.get(c.campaignId);
  if (!group) return;
  const { rnd } = s;
  const product = PRODUCT.get(rnd.pick(c.productCodes))!;
  if (group !== 'control') return treat(s, v, c, product);
  if (rnd.chance(c.base / 2)) sale(s, v.p, v.rm, product, null, at(v.month, rnd.int(3, 27), 15));
}
