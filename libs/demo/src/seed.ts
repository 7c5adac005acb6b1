import type { CommandBus } from '@nestjs/cqrs';
import type { Runtime } from '@app/platform';
import { seedReport } from './report';
import { createSeedContext, type SeedContext } from './seeding';
import { setBudgets } from './steps/budgets';
import { planCampaigns, running } from './steps/campaign-plans';
import { closeCampaigns, launchCampaigns } from './steps/campaigns';
import { onboardCustomers } from './steps/customers';
import { customerActivity } from './steps/months';
import { markSeed, openBank, requireEmptyStore, setTargets } from './steps/organisation';
import type { SeedOptions, SeedProgress, SeedReport } from './seed-types';

export type { SeedOptions, SeedProgress, SeedReport } from './seed-types';
export { addMonths } from './calendar';
export { seedStatus, START_OVER } from './steps/organisation';

/**
 * Writes a realistic demo history through the command side, so every rule holds: the org tree,
 * products and budgets; customers whose assets give the bank's shape (about 1.7% VIP holding
 * about half of the assets); monthly balances and tiers; opt-outs and risk profiles; the four
 * campaigns of the source documents, each with a control group; contacts, offers, referrals,
 * sales whose chances give treatment a modest lift over control; complaints and reversals.
 * Organisation, budget and campaign commands go through the CommandBus (the API's own handlers);
 * the many customer commands through `CustomerBatch` (the same decider, appended in batches).
 * The same options and seed give the same history.
 */
export async function seedDemo(runtime: Runtime, bus: CommandBus, options: SeedOptions, onProgress: (p: SeedProgress) => void = () => undefined): Promise<SeedReport> {
  const started = Date.now();
  await requireEmptyStore(runtime);
  // The steps share one context and run in this order: it fixes the draws and ids of the history.
  const context = createSeedContext(runtime, bus, options, onProgress);
  try {
    return await seedSteps(context, options, started);
  } finally {
    // Stopped or failed half-way: no append of the seed goes on after it returns.
    await context.batch.settled().catch(() => undefined);
  }
}

async function seedSteps(context: SeedContext, options: SeedOptions, started: number): Promise<SeedReport> {
  // Started before the first step, completed after the last: a start cut in between is seen as such.
  await markSeed(context, 'DemoSeedStarted');
  const s = await openBank(context);
  await setTargets(s);
  await setBudgets(s);
  const profiles = await onboardCustomers(s);
  const plans = planCampaigns(options, s.months);
  for (const [m, month] of s.months.entries()) {
    s.stopIfAborted();
    await launchCampaigns(s, plans, m, month);
    await customerActivity(s, profiles, running(plans), m, month);
    await closeCampaigns(s, plans, m, month);
  }
  await s.batch.flush();
  await markSeed(s, 'DemoSeedCompleted');
  s.progress('done', s.total);
  return seedReport(s, profiles, plans, (Date.now() - started) / 1000);
}
