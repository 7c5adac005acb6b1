import type { CommandBus } from '@nestjs/cqrs';
import {
  DomainError,
  type Actor,
  type AudienceRule,
  type CampaignCommand,
  type CampaignFacts,
  type Channel,
} from '@app/domain';
import { type Position } from '@app/event-store';
import { ActOnCampaign, LaunchCampaign } from '@app/application';
import type { Runtime } from '@app/platform';
import { customerDirectoryProjection, waitForProjection } from '@app/read-models';
import { DEMO_PRODUCTS, type DemoProduct } from './demo-bank';
import { createSeedContext, money } from './seeding';
import { setBudgets } from './steps/budgets';
import { onboardCustomers } from './steps/customers';
import { customerCommand as customerCommandIn, type CustomerIntent, type Profile } from './steps/profile';
import { openBank, requireEmptyStore, setTargets } from './steps/organisation';
import { addMonths, at } from './calendar';
import type { SeedOptions, SeedProgress, SeedReport } from './seed-types';

export type { SeedOptions, SeedProgress, SeedReport } from './seed-types';
export { addMonths } from './calendar';

interface PlannedCampaign {
  readonly campaignId: string;
  readonly name: string;
  readonly objective: string;
  readonly ownerUnitId: string;
  readonly marketer: string;
  readonly productCodes: string[];
  readonly channels: Channel[];
  readonly audience: AudienceRule;
  readonly budget: string;
  readonly launchMonth: number;
  readonly endMonth: number;
  /** Monthly conversion chance of a treatment customer who was contacted; control converts at `base`. */
  readonly treated: number;
  readonly base: number;
  readonly targets: { conversions: number | null; revenue: string | null };
  enrolled: number;
  launched: boolean;
  completed: boolean;
}

const PRODUCT = new Map(DEMO_PRODUCTS.map((p) => [p.productCode, p]));
const rule = (r: Partial<AudienceRule>): AudienceRule => ({ tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [], ...r });

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
  const { store, db } = runtime;
  await requireEmptyStore(runtime);
  const ctx = createSeedContext(runtime, bus, options, onProgress);
  const { rnd, context, send, first, end, months, batch, total } = ctx;
  const report = ctx.progress;

  const seeding = await openBank(ctx);
  await setTargets(seeding);
  await setBudgets(seeding);
  const { org, actor } = seeding;

  const profiles = await onboardCustomers(seeding);
  const customerCommand = (p: Profile, by: Actor, when: string, c: CustomerIntent) => customerCommandIn(seeding, p, by, when, c);

  // 4. The campaigns of the source documents, spread over the history.
  const at8March = months.findIndex((m) => m.endsWith('-03'));
  const plans: PlannedCampaign[] = [
    {
      campaignId: 'K-DEPOSIT', name: '春季存款竞赛 Deposit drive', objective: 'grow time deposits; targets tied to pay (004)', ownerUnitId: 'BR-SH', marketer: 'mkt-sh',
      productCodes: ['DEP-1Y', 'DEP-3M'], channels: ['phone', 'sms'], audience: rule({ tiers: ['ordinary', 'standard'] }), budget: '300000.00',
      launchMonth: Math.min(1, options.months - 1), endMonth: Math.min(3, options.months - 1), treated: 0.085, base: 0.05, targets: { conversions: Math.round(options.customers * 0.02), revenue: null },
    },
    {
      campaignId: 'K-WOMEN', name: '三八妇女节健康讲座 Women’s day health lecture', objective: 'health lecture for female VIP customers (004)', ownerUnitId: 'BR-BJ', marketer: 'mkt-bj',
      productCodes: ['INS-LIFE', 'WM-R2'], channels: ['phone', 'branch'], audience: rule({ genders: ['F'], tiers: ['standard', 'platinum', 'black'] }), budget: '120000.00',
      launchMonth: at8March >= 0 ? at8March : Math.min(2, options.months - 1), endMonth: at8March >= 0 ? at8March : Math.min(2, options.months - 1), treated: 0.14, base: 0.07, targets: { conversions: null, revenue: null },
    },
    {
      campaignId: 'K-FUNDSWITCH', name: '基金转换：债券与黄金 Fund switch to bond and gold', objective: 'move customers with equity-fund losses to bond funds and gold (004)', ownerUnitId: 'BR-GZ', marketer: 'mkt-gz',
      productCodes: ['FUND-BOND', 'GOLD'], channels: ['phone', 'app'], audience: rule({ holdsAnyOf: ['FUND-EQ'] }), budget: '200000.00',
      launchMonth: Math.floor(options.months / 2), endMonth: Math.min(Math.floor(options.months / 2) + 1, options.months - 1), treated: 0.11, base: 0.06, targets: { conversions: null, revenue: null },
    },
    {
      campaignId: 'K-EBANK', name: '网银签约推广 E-banking sign-up drive', objective: 'sign customers up to e-banking (004: +53,000 customers, 74% sign-up)', ownerUnitId: 'BR-SH', marketer: 'mkt-sh',
      productCodes: ['EBANK'], channels: ['sms', 'app', 'branch'], audience: rule({ holdsNoneOf: ['EBANK'] }), budget: '150000.00',
      launchMonth: Math.max(0, options.months - 2), endMonth: options.months, treated: 0.3, base: 0.2, targets: { conversions: null, revenue: null },
    },
  ].map((c) => ({ ...c, enrolled: 0, launched: false, completed: false })) as PlannedCampaign[];
  const facts = (c: PlannedCampaign, status = 'launched'): CampaignFacts => ({ campaignId: c.campaignId, status, channels: c.channels, productCodes: c.productCodes });
  const campaign = (c: PlannedCampaign, command: Record<string, unknown> & { type: CampaignCommand['type'] }, by: Actor, when: string) =>
    send(new ActOnCampaign({ ...command, campaignId: c.campaignId, org, by, at: when } as CampaignCommand, context(by, when)));

  // 5. Month by month.
  const id = ctx.nextId;
  for (const [m, month] of months.entries()) {
    ctx.stopIfAborted();
    for (const c of plans.filter((x) => x.launchMonth === m && !x.launched)) {
      const marketer = actor(c.marketer);
      const day = at(month, 1, 8);
      await campaign(c, { type: 'DraftCampaign', plan: { name: c.name, objective: c.objective, ownerUnitId: c.ownerUnitId, productCodes: c.productCodes, channels: c.channels, audience: c.audience, budget: c.budget, period: { start: `${month}-01`, end: `${addMonths(first, c.endMonth + 1)}-01` }, controlGroupPercent: 10, targets: c.targets } }, marketer, day);
      await campaign(c, { type: 'SubmitCampaign', planDocumentRef: `dms://plans/${c.campaignId}.pdf` }, marketer, day);
      await campaign(c, { type: 'ApproveCampaign' }, actor('appr-ho'), day);
      await batch.flush();
      const before = await store.headPosition();
      if (before && !(await waitForProjection(db.pool, customerDirectoryProjection.name, before, 30 * 60_000))) throw new Error('the customer directory did not catch up');
      let launched: { audienceSize: number; position: Position | null };
      try {
        // The enrolments are written by the handler: two campaign events and one per customer.
        launched = await send<typeof launched>(new LaunchCampaign(c.campaignId, c.campaignId, org, marketer, at(month, 1, 9), context(marketer, at(month, 1, 9))), (r) => r.audienceSize + 2);
      } catch (err) {
        // A small demo may have nobody in a narrow audience (female VIPs of one branch): it stays approved.
        if (err instanceof DomainError && err.code === 'EMPTY_AUDIENCE') continue;
        throw err;
      }
      c.enrolled = launched.audienceSize;
      c.launched = true;
      if (launched.position) await batch.syncFrom(before, launched.position);
      await campaign(c, { type: 'RecordCampaignCost', costId: `${c.campaignId}-venue`, amount: money(2000 + c.enrolled * 3), customerId: null, customerGroup: null, description: '物料与场地 materials and venue' }, marketer, at(month, 2));
    }
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
    for (const c of plans.filter((x) => x.launched && !x.completed && x.endMonth === m)) {
      const marketer = actor(c.marketer);
      await campaign(c, { type: 'RecordCampaignFeedback', feedbackId: `${c.campaignId}-FB1`, customerId: null, rating: rnd.int(3, 5), comment: '客户反馈良好 well received' }, marketer, at(month, 27));
      await campaign(c, { type: 'CompleteCampaign' }, marketer, at(month, 28, 18));
      c.completed = true;
    }
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

