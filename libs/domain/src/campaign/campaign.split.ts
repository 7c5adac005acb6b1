import type { Group } from '../customer/customer.events';

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
