import type { Group } from '../customer/customer.events';
import { illegalState } from '../errors';

const FNV_OFFSET = 0x811c9dc5;

/** One FNV-1a step (32 bits; Math.imul works mod 2^32, so the state may stay a signed int until the end). */
const fnvStep = (h: number, code: number) => Math.imul(h ^ code, 0x01000193);

/** FNV-1a (32 bits) of `text`, continued from the state `h`. */
function fnv1a(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = fnvStep(h, text.charCodeAt(i));
  return h >>> 0;
}

/** The group of a finished hash: a final avalanche so that near-identical ids spread evenly, then a number in [0, 10000); below percent × 100 is control. */
function groupOf(h: number, controlGroupPercent: number): Group {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h % 10_000 < controlGroupPercent * 100 ? 'control' : 'treatment';
}

/**
 * The seeded, deterministic random split into treatment and control: the same seed and customer
 * always land in the same group, whatever order the audience comes in. FNV-1a over
 * `seed:customerId` gives a uniform number in [0, 10000); below percent × 100 is control.
 */
export function assignGroup(seed: string, customerId: string, controlGroupPercent: number): Group {
  return groupOf(fnv1a(FNV_OFFSET, `${seed}:${customerId}`), controlGroupPercent);
}

/**
 * How many of `customerIds` (joined by `separator`, which no id contains) `assignGroup` puts in
 * control, without making a string per customer: FNV-1a runs left to right, so the hash of
 * `seed:` is computed once and each id continues from it. For the preview, which needs only the
 * sizes of the split the launch will make.
 */
export function countControl(seed: string, customerIds: string, separator: string, controlGroupPercent: number): { customers: number; control: number } {
  if (separator.length !== 1) throw new RangeError('the separator is one character');
  if (customerIds === '') return { customers: 0, control: 0 };
  const prefix = fnv1a(FNV_OFFSET, `${seed}:`);
  const sep = separator.charCodeAt(0);
  let customers = 0;
  let control = 0;
  let h = prefix;
  for (let i = 0; i <= customerIds.length; i++) {
    const code = i < customerIds.length ? customerIds.charCodeAt(i) : sep;
    if (code !== sep) {
      h = fnvStep(h, code);
      continue;
    }
    customers++;
    if (groupOf(h >>> 0, controlGroupPercent) === 'control') control++;
    h = prefix;
  }
  return { customers, control };
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
