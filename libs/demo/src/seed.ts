import type { CommandBus } from '@nestjs/cqrs';
import type { Runtime } from '@app/platform';
import { createSeedContext } from './seeding';
import { setBudgets } from './steps/budgets';
import { planCampaigns, running } from './steps/campaign-plans';
import { closeCampaigns, launchCampaigns } from './steps/campaigns';
import { onboardCustomers } from './steps/customers';
import { customerActivity } from './steps/months';
import { openBank, requireEmptyStore, setTargets } from './steps/organisation';
import { addMonths } from './calendar';
import type { SeedOptions, SeedProgress, SeedReport } from './seed-types';

export type { SeedOptions, SeedProgress, SeedReport } from './seed-types';
export { addMonths } from './calendar';

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
  const { first, end, months, batch, total } = ctx;
  const report = ctx.progress;

  const seeding = await openBank(ctx);
  await setTargets(seeding);
  await setBudgets(seeding);

  const profiles = await onboardCustomers(seeding);

  const plans = planCampaigns(options, months);

  // 5. Month by month.
  for (const [m, month] of months.entries()) {
    ctx.stopIfAborted();
    await launchCampaigns(seeding, plans, m, month);
    await customerActivity(seeding, profiles, running(plans), m, month);
    await closeCampaigns(seeding, plans, m, month);
  }
  await batch.flush();
  report('done', total);

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

