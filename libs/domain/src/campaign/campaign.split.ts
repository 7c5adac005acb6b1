import type { Group } from '../customer/customer.events';
import { illegalState } from '../errors';

/**
 * The seeded, deterministic random split into treatment and control: the same seed and customer
 * always land in the same group, whatever order the audience comes in. FNV-1a over
 * `seed:customerId` gives a uniform number in [0, 10000); below percent × 100 is control.
 */
export function assignGroup(seed: string, customerId: string, controlGroupPercent: number): Group {
  let h = 0x811c9dc5;
  const text = `${seed}:${customerId}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche so that near-identical ids spread evenly.
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h % 10_000 < controlGroupPercent * 100 ? 'control' : 'treatment';
}

export function splitAudience(seed: string, customerIds: readonly string[], controlGroupPercent: number): { customerId: string; group: Group }[] {
  return customerIds.map((customerId) => ({ customerId, group: assignGroup(seed, customerId, controlGroupPercent) }));
}

/**
 * A launch resumed with another seed than its first attempt's would split the rest of the audience
 * by another rule than the one recorded for the whole: refused when a customer already enrolled is
 * in a group the seed does not give them (a seed that gives every one of them their group
 * reproduces the whole split, so the CampaignLaunched that records it stays true).
 */
export function requireSameSplit(seed: string, controlGroupPercent: number, enrolled: readonly { customerId: string; group: Group }[]): void {
  const differing = enrolled.filter((e) => assignGroup(seed, e.customerId, controlGroupPercent) !== e.group);
  if (differing.length > 0) {
    throw illegalState('RANDOMISATION_SEED_DIFFERS', 'this launch was begun with another randomisation seed; resume it with the seed of the first attempt', {
      customerIds: differing.slice(0, 10).map((e) => e.customerId),
    });
  }
}
