import { addMonths } from './calendar';
import type { Seeding } from './seeding';
import type { SeedReport } from './seed-types';
import type { PlannedCampaign } from './steps/campaign-plans';
import type { Profile } from './steps/profile';

const status = (c: PlannedCampaign): string => (c.completed ? 'completed' : c.launched ? 'launched' : 'approved (no one in its audience)');

/**
 * How many customers end at a VIP tier (standard or above), and their share of customers and of
 * financial assets: the numbers to hold against DOMAIN.md's reference bank.
 */
export function vipShape(tiers: readonly string[], assets: readonly number[]): SeedReport['vip'] {
  const vip = tiers.map((tier, i) => (tier !== 'ordinary' ? i : -1)).filter((i) => i >= 0);
  const all = assets.reduce((a, b) => a + b, 0);
  return { customers: vip.length, share: vip.length / tiers.length, assetShare: vip.reduce((sum, i) => sum + assets[i]!, 0) / (all || 1) };
}

/** What the seed wrote: its span, its pace, the bank's shape at the end, the campaigns and the refusals. */
export function seedReport(s: Seeding, profiles: readonly Profile[], plans: readonly PlannedCampaign[], seconds: number): SeedReport {
  const events = s.events();
  return {
    customers: s.options.customers,
    months: s.options.months,
    from: s.first,
    to: addMonths(s.end, -1),
    events,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    vip: vipShape(profiles.map((p) => s.batch.state(p.id).tier), profiles.map((p) => p.assets)),
    campaigns: plans.map((c) => ({ campaignId: c.campaignId, name: c.name, status: status(c), enrolled: c.enrolled })),
    refusals: Object.fromEntries([...s.batch.refusals.entries()].sort()),
  };
}
