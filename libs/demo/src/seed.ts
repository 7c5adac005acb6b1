import type { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '@app/domain';
import type { Runtime } from '@app/platform';
import { DEMO_PRODUCTS, type DemoProduct } from './demo-bank';
import { createSeedContext, money } from './seeding';
import { setBudgets } from './steps/budgets';
import { facts, planCampaigns, type PlannedCampaign } from './steps/campaign-plans';
import { closeCampaigns, launchCampaigns } from './steps/campaigns';
import { onboardCustomers } from './steps/customers';
import { customerCommand as customerCommandIn, type CustomerIntent, type Profile } from './steps/profile';
import { openBank, requireEmptyStore, setTargets } from './steps/organisation';
import { addMonths, at } from './calendar';
import type { SeedOptions, SeedProgress, SeedReport } from './seed-types';

export type { SeedOptions, SeedProgress, SeedReport } from './seed-types';
export { addMonths } from './calendar';

const PRODUCT = new Map(DEMO_PRODUCTS.map((p) => [p.productCode, p]));

/**
 * Writes a realistic demo history through the command side, so every rule holds: the org tree,
 * products and budgets; customers whose assets give the bank's shape (about 1.7% VIP holding
 * about half of the assets); monthly balances and tiers; consent and risk profiles; the four
 * campaigns of the source documents, each with a control group; contacts, offers, referrals,
 * sales whose chances give treatment a modest lift over control; complaints and reversals.
 * Organisation, budget and campaign commands go through the CommandBus (the API's own handlers);
 * the many customer commands through `CustomerBatch` (the same decider, appended in batches).
 * The same options and seed give the same history.
 */
export async function seedDemo(runtime: Runtime, bus: CommandBus, options: SeedOptions, onProgress: (p: SeedProgress) => void = () => undefined): Promise<SeedReport> {
  const started = Date.now();
  await requireEmptyStore(runtime);
  const ctx = createSeedContext(runtime, bus, options, onProgress);
  const { rnd, first, end, months, batch, total } = ctx;
  const report = ctx.progress;

  const seeding = await openBank(ctx);
  await setTargets(seeding);
  await setBudgets(seeding);
  const { org, actor } = seeding;

  const profiles = await onboardCustomers(seeding);
  const customerCommand = (p: Profile, by: Actor, when: string, c: CustomerIntent) => customerCommandIn(seeding, p, by, when, c);

  const plans = planCampaigns(options, months);

  // 5. Month by month.
  const id = ctx.nextId;
  for (const [m, month] of months.entries()) {
    ctx.stopIfAborted();
    await launchCampaigns(seeding, plans, m, month);
    const active = plans.filter((c) => c.launched && !c.completed);

    for (const [i, p] of profiles.entries()) {
      const state = batch.state(p.id);
      const manager = state.managerId ?? rnd.pick(p.managers);
      const rm = actor(manager);
      // Campaign work: treatment customers are contacted and offered the campaign's products.
      for (const c of active) {
        const group = state.enrolments.get(c.campaignId);
        if (!group) continue;
        const product = PRODUCT.get(rnd.pick(c.productCodes))!;
        if (group === 'control') {
          if (rnd.chance(c.base / 2)) sale(p, rm, product, null, at(month, rnd.int(3, 27), 15));
          continue;
        }
        if (!rnd.chance(m === c.launchMonth ? 0.75 : 0.45)) continue;
        const day = rnd.int(2, 24);
        const channel = rnd.chance(0.95) ? c.channels.find((ch) => p.channels.includes(ch)) ?? c.channels[0]! : c.channels[0]!;
        const contactId = id('CT');
        const contacted = customerCommand(p, rm, at(month, day, 10, i % 60), { type: 'RecordContact', contactId, staffId: manager, channel, outcome: rnd.pick(['reached', 'reached', 'interested', 'call back later']), campaign: facts(c) });
        if (contacted instanceof Error) continue;
        if (rnd.chance(0.04)) {
          const complaintId = id('CP');
          customerCommand(p, rm, at(month, day, 16), { type: 'RecordComplaint', complaintId, category: rnd.pick(['too_many_calls', 'pushy_sale', 'wrong_product']), contactId, answerWithinDays: 5 });
          if (rnd.chance(0.85)) customerCommand(p, actor(p.head), at(month, Math.min(day + rnd.int(1, 8), 28), 11), { type: 'AnswerComplaint', complaintId });
        }
        const offerId = id('OF');
        const offered = customerCommand(p, rm, at(month, day, 11), { type: 'PresentOffer', offerId, staffId: manager, product: org.products.get(product.productCode)!, campaign: facts(c) });
        if (offered instanceof Error) continue;
        const converts = rnd.chance(c.treated);
        customerCommand(p, rm, at(month, day + 1, 12), { type: 'RespondToOffer', offerId, accepted: converts || rnd.chance(0.1) });
        if (converts) sale(p, rm, product, c, at(month, day + rnd.int(1, 3), 14));
      }
      // Business as usual: the maintenance plan, organic sales, referrals.
      if (state.managerId && rnd.chance(0.3) && p.channels.includes('phone')) {
        customerCommand(p, rm, at(month, rnd.int(1, 27), 9), { type: 'RecordContact', contactId: id('CT'), staffId: manager, channel: 'phone', outcome: 'maintenance call', campaign: null });
      }
      if (rnd.chance(0.012)) {
        const product = rnd.pick(DEMO_PRODUCTS.filter((x) => x.productCode !== 'EBANK'));
        if (rnd.chance(0.25)) {
          // An outlet's head passes the customer to their manager (转介绍); the seller records it.
          const referrer = `${p.head}-1`;
          const referralId = id('RF');
          const when = at(month, rnd.int(1, 25), 13);
          const referred = customerCommand(p, rm, when, { type: 'ReferCrossSell', referralId, referrerStaffId: referrer, sellerStaffId: manager, productCode: product.productCode });
          if (!(referred instanceof Error)) sale(p, rm, product, null, when, referrer, referralId);
        } else {
          sale(p, rm, product, null, at(month, rnd.int(1, 27), 15));
        }
      }
      // Month end: the balance, with the month's sales in the holdings; a few customers leave.
      if (!p.leaver && !p.holdings.has('DEP-1Y') && p.assets < 20_000 && rnd.chance(0.004)) p.leaver = true;
      p.assets = p.leaver ? 0 : Math.max(0, p.assets * Math.exp(0.004 + 0.06 * rnd.normal()));
      if (p.leaver) p.holdings.clear();
      if (p.tolerance && m > 0 && m % 11 === 0) customerCommand(p, actor(p.head), at(month, 28, 9), { type: 'AssessRisk', tolerance: p.tolerance });
      customerCommand(p, actor(p.head), at(addMonths(month, 1), 1, 2), { type: 'RecordBalanceSnapshot', month, averageDailyAssets: money(p.assets), holdings: [...p.holdings].sort() });
      await batch.maybeFlush();
      if (i % 500 === 0) report(`month ${m + 1}/${options.months}`, options.customers * (m + 1) + i);
    }
    await batch.flush();
    await closeCampaigns(seeding, plans, m, month);
  }
  await batch.flush();
  report('done', total);

  function sale(p: Profile, rm: Actor, product: DemoProduct, c: PlannedCampaign | null, when: string, referrerStaffId: string | null = null, referralId: string | null = null) {
    const amount = product.productCode === 'EBANK' ? 1 : Math.max(1000, Math.round(product.typicalAmount * Math.exp(0.5 * rnd.normal())));
    const revenue = product.productCode === 'EBANK' ? 30 : amount * product.margin;
    const conversionId = id('CV');
    const r = customerCommand(p, rm, when, {
      type: 'RecordConversion', conversionId, staffId: rm.userId, product: org.products.get(product.productCode)!, amount: money(amount), revenue: money(revenue),
      campaign: c ? facts(c) : null, referrerStaffId, referralId,
    });
    if (r instanceof Error) return;
    p.holdings.add(product.productCode);
    if (product.category === 'deposit' || product.category === 'wealth' || product.category === 'fund' || product.category === 'gold') p.assets += amount * 0.5;
    if (rnd.chance(0.03)) customerCommand(p, rm, when.replace(/T\d\d/, 'T20'), { type: 'ReverseConversion', conversionId, reason: rnd.pick(['cooling-off cancellation', 'disputed']) });
  }

  const final = profiles.map((p) => batch.state(p.id));
  const lastAssets = profiles.map((p) => p.assets);
  const vipIdx = final.map((s, i) => (s.tier !== 'ordinary' ? i : -1)).filter((i) => i >= 0);
  const allAssets = lastAssets.reduce((a, b) => a + b, 0);
  const seconds = (Date.now() - started) / 1000;
  const events = ctx.events();
  return {
    customers: options.customers,
    months: options.months,
    from: first,
    to: addMonths(end, -1),
    events,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    vip: { customers: vipIdx.length, share: vipIdx.length / profiles.length, assetShare: vipIdx.reduce((s, i) => s + lastAssets[i]!, 0) / (allAssets || 1) },
    campaigns: plans.map((c) => ({ campaignId: c.campaignId, name: c.name, status: c.completed ? 'completed' : c.launched ? 'launched' : 'approved (no one in its audience)', enrolled: c.enrolled })),
    refusals: Object.fromEntries([...batch.refusals.entries()].sort()),
  };
}

