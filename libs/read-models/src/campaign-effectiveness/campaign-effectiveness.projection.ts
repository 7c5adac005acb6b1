import { bankTimeZone, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { effectProjection, insert, update, upsert, type Effect, type EffectProjection } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { campaignEffectivenessTables } from './campaign-effectiveness.tables';
import { bankDayIn, countedChange, emptyCeCounting, factKey, loadCeCounting, SALES, stagesOf, type CeCounting } from './campaign-effectiveness.counters';
import {
  conversionsOf,
  groupConversionsOf,
  loadCeState,
  participantsOf,
  type CeHistoryRow,
  type CeParticipant,
  type CeState,
  type FunnelColumn,
} from './campaign-effectiveness.state';

const fen = (amount: string) => toFen(amount)!;

/** The facts' state and what the counters need beside it (`loadCeCounting`); a spec may give the state alone. */
export type CeCountedState = CeState & { counting?: CeCounting };
const countingOf = (s: CeCountedState): CeCounting => (s.counting ??= emptyCeCounting());
/** The bank day of an instant (ms). */
type Day = (t: number) => string;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const seqOf = (e: RecordedEvent) => e.position.prepare;
const later = (a: CeHistoryRow, b: CeHistoryRow) => a.validFrom > b.validFrom || (a.validFrom === b.validFrom && a.seq > b.seq);

/**
 * Where a customer stood at `t` (enrolment): the unit row that held then (the latest to start at
 * or before `t`, ties in log order) or, for a backdated onboarding, the first one known, with
 * `unitFrom` saying since when it holds; the tier that held then ('ordinary' until a change says otherwise).
 */
export function placeAt(units: readonly CeHistoryRow[], tiers: readonly CeHistoryRow[], t: number): { unitId: string; unitFrom: number | null; tier: string } {
  let held: CeHistoryRow | undefined;
  let first: CeHistoryRow | undefined;
  for (const u of units) {
    if (u.validFrom <= t) held = !held || later(u, held) ? u : held;
    else first = !first || later(first, u) ? u : first;
  }
  const unit = held ?? first;
  let tier: CeHistoryRow | undefined;
  for (const x of tiers) if (x.validFrom <= t && (!tier || later(x, tier))) tier = x;
  return { unitId: unit?.value ?? '', unitFrom: unit?.validFrom ?? null, tier: tier?.value ?? 'ordinary' };
}

/** The sales that count for a participant's group: its paired sales, not reversed, between launch and close. */
export function salesOf(s: CeState, p: CeParticipant): { sales: number; revenueFen: number } | null {
  const k = s.campaigns.get(p.campaignId);
  if (!k) return null;
  let sales = 0;
  let revenueFen = 0;
  if (k.launchedAt !== null) {
    const known = s.conversions.get(p.customerId);
    for (const id of s.groupConversions.get(`${p.campaignId}\u0000${p.customerId}`) ?? []) {
      const v = known?.get(id);
      if (!v || v.reversed || v.occurredAt < k.launchedAt || (k.closedAt !== null && v.occurredAt > k.closedAt)) continue;
      sales++;
      revenueFen += v.revenueFen;
    }
  }
  return { sales, revenueFen };
}

const participantKey = (p: CeParticipant) => ({ campaign_id: p.campaignId, customer_id: p.customerId });

/** The participant's counting sales again; a row only where they change. */
function recount(s: CeState, p: CeParticipant, day: Day): Effect[] {
  const now = salesOf(s, p);
  if (!now || (now.sales === p.sales && now.revenueFen === p.revenueFen)) return [];
  countedChange(
    countingOf(s).delta,
    p,
    day,
    false,
    () => {
      p.sales = now.sales;
      p.revenueFen = now.revenueFen;
    },
    SALES,
  );
  return [update('ce_participants', { ...participantKey(p), sales: p.sales, revenue_fen: p.revenueFen })];
}

/** The customer's participants placed again after their unit or tier history changed; a row only where it changes. */
function replace(s: CeState, customerId: string, day: Day): Effect[] {
  const out: Effect[] = [];
  for (const p of s.participants.get(customerId)?.values() ?? []) {
    const place = placeAt(s.units.get(customerId) ?? [], s.tiers.get(customerId) ?? [], p.enrolledAt);
    if (place.unitId === p.unitId && place.unitFrom === p.unitFrom && place.tier === p.tier) continue;
    countedChange(countingOf(s).delta, p, day, false, () => Object.assign(p, place));
    out.push(update('ce_participants', { ...participantKey(p), unit_id: p.unitId, unit_from: iso(p.unitFrom), tier: p.tier }));
  }
  return out;
}

/** Pairs a customer's sales of a campaign's products with their participation in it (from either side), then recounts. */
function pair(s: CeState, p: CeParticipant, conversionIds: Iterable<string>, day: Day): Effect[] {
  const k = s.campaigns.get(p.campaignId);
  if (!k) return [];
  const paired = groupConversionsOf(s, p.campaignId, p.customerId);
  const known = conversionsOf(s, p.customerId);
  const out: Effect[] = [];
  for (const id of conversionIds) {
    const v = known.get(id);
    if (!v || paired.has(id) || !k.productCodes.includes(v.productCode)) continue;
    paired.add(id);
    out.push(insert('ce_group_conversions', { campaign_id: p.campaignId, conversion_id: id, customer_id: p.customerId, grp: p.grp }));
  }
  return out.length ? [...out, ...recount(s, p, day)] : out;
}

/** A unit or tier from the event's time: a history row (once), the customer's participants placed again. */
function history(s: CeState, e: RecordedEvent, table: 'ce_customer_units' | 'ce_customer_tiers', column: 'unit_id' | 'tier', value: string, day: Day): Effect[] {
  const customerId = d(e).customerId as string;
  const rows = (table === 'ce_customer_units' ? s.units : s.tiers).get(customerId) ?? [];
  const row = { validFrom: Date.parse(at(e)), seq: seqOf(e), value };
  if (!rows.some((r) => r.validFrom === row.validFrom && r.seq === row.seq)) rows.push(row);
  (table === 'ce_customer_units' ? s.units : s.tiers).set(customerId, rows);
  return [insert(table, { customer_id: customerId, valid_from: at(e), seq: row.seq.toString(), [column]: value }), ...replace(s, customerId, day)];
}

/** The first time a tagged participant reached these stages (the earliest seen stays). */
function reached(s: CeState, e: RecordedEvent, day: Day, ...columns: FunnelColumn[]): Effect[] {
  const p = d(e).campaignId ? s.participants.get(d(e).customerId)?.get(d(e).campaignId) : undefined;
  if (!p) return [];
  const t = Date.parse(at(e));
  const earlier = columns.filter((c) => p.first[c] === null || p.first[c]! > t);
  if (earlier.length === 0) return [];
  countedChange(
    countingOf(s).delta,
    p,
    day,
    false,
    () => {
      for (const c of earlier) p.first[c] = t;
    },
    stagesOf(earlier),
  );
  return [update('ce_participants', { ...participantKey(p), ...Object.fromEntries(earlier.map((c) => [c, at(e)])) })];
}

/** A lifecycle step: the status (and the close time), the step's history row; a launch or close moves the run's bounds, so its sales are recounted. */
function step(s: CeState, e: RecordedEvent, day: Day, status: string, change: Record<string, unknown> = {}): Effect[] {
  const campaignId = d(e).campaignId as string;
  const out: Effect[] = [
    update('ce_campaigns', { campaign_id: campaignId, status, ...change }),
    insert('ce_campaign_states', { campaign_id: campaignId, at: at(e), seq: seqOf(e).toString(), status }),
  ];
  const k = s.campaigns.get(campaignId);
  if (!k || !('launched_at' in change || 'closed_at' in change)) return out;
  if ('launched_at' in change) k.launchedAt = Date.parse(at(e));
  if ('closed_at' in change) k.closedAt = Date.parse(at(e));
  for (const byCampaign of s.participants.values()) {
    const p = byCampaign.get(campaignId);
    if (p) out.push(...recount(s, p, day));
  }
  return out;
}

/** The customer's sales tagged with the campaign that stand (not reversed). */
function taggedStanding(s: CeState, c: CeCounting, customerId: string, campaignId: string): number {
  let n = 0;
  for (const [id, v] of s.conversions.get(customerId) ?? []) if (!v.reversed && c.tagged.get(factKey(customerId, id)) === campaignId) n++;
  return n;
}

/** A tagged sale counts on its day from that day, and off again from the day it is reversed; a customer converted while one stands. */
function taggedSale(s: CeState, c: CeCounting, day: Day, customerId: string, campaignId: string, v: { occurredAt: number; revenueFen: number }, reversedAt: number | null): void {
  const delta = c.delta;
  const sign = reversedAt === null ? 1 : -1;
  const occurred = day(v.occurredAt);
  const from = reversedAt === null ? occurred : [occurred, day(reversedAt)].sort()[1]!;
  delta.add('ce_day_counts', { campaign_id: campaignId, day: occurred, as_of_day: from }, { sales: sign, revenue_fen: sign * v.revenueFen });
  // Called before a new sale is known, after a reversal is marked: 0 standing means the customer's first or last.
  const standing = taggedStanding(s, c, customerId, campaignId);
  delta.add('ce_campaign_totals', { campaign_id: campaignId }, { tagged_sales: sign, tagged_revenue_fen: sign * v.revenueFen, tagged_customers: standing === 0 ? sign : 0 });
}

/** A contact on its channel and day, and the customer's first contact there (moved earlier by a contact seen late). */
function contacted(c: CeCounting, day: Day, campaignId: string, customerId: string, channel: string, t: number): Effect[] {
  const delta = c.delta;
  delta.add('ce_channel_counts', { campaign_id: campaignId, channel, day: day(t) }, { contacts: 1 });
  const k = factKey(customerId, campaignId, channel);
  const first = c.firstContact.get(k);
  const out: Effect[] = [];
  if (first === undefined || t < first) {
    if (first !== undefined) delta.add('ce_channel_counts', { campaign_id: campaignId, channel, day: day(first) }, { customers: -1 });
    delta.add('ce_channel_counts', { campaign_id: campaignId, channel, day: day(t) }, { customers: 1 });
    c.firstContact.set(k, t);
    out.push(upsert('ce_channel_customers', { customer_id: customerId, campaign_id: campaignId, channel, first_at: new Date(t).toISOString() }));
  }
  return out;
}

/** Whether a fact is new to the counters (and from now on counted). */
function fresh(c: CeCounting, ...key: string[]): boolean {
  const k = factKey(...key);
  if (c.counted.has(k)) return false;
  c.counted.add(k);
  return true;
}

/**
 * What one event does to the facts behind campaign effectiveness, given the state of the rows it
 * is about (pure but for recording its own decisions in `s`, which later events of the batch read),
 * and to the counters: each change of a fact row adds what the row contributes after it and takes
 * off what it contributed before (`campaign-effectiveness.counters.ts`), summed in the state over the
 * batch and given as `add` upserts once its events are through (`settle`).
 */
export function campaignEffectivenessEffects(e: RecordedEvent, s: CeCountedState, day: Day): Effect[] {
  const x = d(e);
  switch (e.type) {
    case 'CampaignDrafted':
      if (!s.campaigns.has(x.campaignId)) s.campaigns.set(x.campaignId, { productCodes: x.productCodes, launchedAt: null, closedAt: null });
      return [
        insert('ce_campaigns', {
          campaign_id: x.campaignId,
          name: x.name,
          owner_unit_id: x.ownerUnitId,
          product_codes: x.productCodes,
          channels: x.channels,
          status: 'draft',
          budget_fen: fen(x.budget),
          control_percent: x.controlGroupPercent,
          period_start: x.period.start,
          period_end: x.period.end,
          drafted_at: at(e),
        }),
        insert('ce_campaign_states', { campaign_id: x.campaignId, at: at(e), seq: seqOf(e).toString(), status: 'draft' }),
      ];
    case 'CampaignSubmitted':
      return step(s, e, day, 'submitted');
    case 'CampaignApproved':
      return step(s, e, day, 'approved');
    case 'CampaignRejected':
      return step(s, e, day, 'rejected');
    case 'CampaignLaunched':
      return step(s, e, day, 'launched', { launched_at: at(e), treatment_count: x.treatmentCount, control_count: x.controlCount });
    case 'CampaignCompleted':
      return step(s, e, day, 'completed', { closed_at: at(e) });
    case 'CampaignCancelled':
      return step(s, e, day, 'cancelled', { closed_at: at(e) });
    case 'CustomerOnboarded':
      return [upsert('ce_customers', { customer_id: x.customerId, unit_id: x.homeUnitId }), ...history(s, e, 'ce_customer_units', 'unit_id', x.homeUnitId, day)];
    case 'CustomerTierChanged':
      return [update('ce_customers', { customer_id: x.customerId, tier: x.to }), ...history(s, e, 'ce_customer_tiers', 'tier', x.to, day)];
    case 'CustomerTransferred':
      return [update('ce_customers', { customer_id: x.customerId, unit_id: x.toUnitId }), ...history(s, e, 'ce_customer_units', 'unit_id', x.toUnitId, day)];
    case 'CustomerEnrolledInCampaign': {
      // Placed in their unit and tier at enrolment as they are inserted (counted once, where they belong).
      const mine = participantsOf(s, x.customerId);
      let p = mine.get(x.campaignId);
      const out: Effect[] = [];
      if (!p) {
        const enrolledAt = Date.parse(at(e));
        const place = placeAt(s.units.get(x.customerId) ?? [], s.tiers.get(x.customerId) ?? [], enrolledAt);
        p = { campaignId: x.campaignId, customerId: x.customerId, grp: x.group, enrolledAt, first: { first_contacted_at: null, first_offered_at: null, first_accepted_at: null, took_part_at: null }, ...place, sales: 0, revenueFen: 0 };
        mine.set(x.campaignId, p);
        out.push(insert('ce_participants', { ...participantKey(p), grp: p.grp, enrolled_at: at(e), unit_id: p.unitId, unit_from: iso(p.unitFrom), tier: p.tier }));
        countedChange(countingOf(s).delta, p, day, true, () => undefined);
      }
      // Sales already seen for this customer count too: the pairs do not depend on which came first in the log.
      return [...out, ...pair(s, p, s.conversions.get(x.customerId)?.keys() ?? [], day)];
    }
    case 'CustomerContacted': {
      if (!x.campaignId) return [];
      const c = countingOf(s);
      return [
        insert('ce_contacts', { contact_id: x.contactId, campaign_id: x.campaignId, customer_id: x.customerId, staff_id: x.staffId, channel: x.channel, occurred_at: at(e) }),
        ...(fresh(c, 'contact', x.customerId, x.contactId) ? contacted(c, day, x.campaignId, x.customerId, x.channel, Date.parse(at(e))) : []),
        ...reached(s, e, day, 'first_contacted_at'),
      ];
    }
    case 'OfferPresented':
      return reached(s, e, day, 'first_offered_at');
    // Accepting one of the campaign's offers is taking part in it, as is a participation recorded as such.
    case 'OfferAccepted':
      return reached(s, e, day, 'first_accepted_at', 'took_part_at');
    case 'CustomerTookPartInCampaign':
      return reached(s, e, day, 'took_part_at');
    case 'ConversionRecorded': {
      const known = conversionsOf(s, x.customerId);
      const out: Effect[] = [];
      if (!known.has(x.conversionId)) {
        const sale = { productCode: x.productCode, occurredAt: Date.parse(at(e)), revenueFen: fen(x.revenue), reversed: false };
        // The campaign's own sale: counted before it is known (so a customer's first tagged sale makes them converted).
        if (x.campaignId) {
          const c = countingOf(s);
          taggedSale(s, c, day, x.customerId, x.campaignId, sale, null);
          c.tagged.set(factKey(x.customerId, x.conversionId), x.campaignId);
        }
        known.set(x.conversionId, sale);
      }
      out.unshift(
        insert('ce_conversions', {
          conversion_id: x.conversionId,
          event_id: e.metadata.eventId,
          customer_id: x.customerId,
          staff_id: x.staffId,
          product_code: x.productCode,
          amount_fen: fen(x.amount),
          revenue_fen: fen(x.revenue),
          campaign_id: x.campaignId ?? null,
          occurred_at: at(e),
        }),
      );
      // Tagged or not: a sale of a campaign's product to one of its enrolled customers counts for their group.
      for (const p of s.participants.get(x.customerId)?.values() ?? []) out.push(...pair(s, p, [x.conversionId], day));
      return out;
    }
    case 'ConversionReversed': {
      const v = s.conversions.get(x.customerId)?.get(x.conversionId);
      if (!v || v.reversed) return [];
      v.reversed = true;
      const out: Effect[] = [update('ce_conversions', { customer_id: x.customerId, conversion_id: x.conversionId, reversed: true, reversed_at: at(e) })];
      const c = countingOf(s);
      const campaignId = c.tagged.get(factKey(x.customerId, x.conversionId));
      if (campaignId) taggedSale(s, c, day, x.customerId, campaignId, v, Date.parse(at(e)));
      for (const p of s.participants.get(x.customerId)?.values() ?? []) out.push(...recount(s, p, day));
      return out;
    }
    case 'CampaignCostRecorded': {
      const costId = `${x.campaignId}:${x.costId}`;
      const amountFen = fen(x.amount);
      const out = [
        insert('ce_costs', { cost_id: costId, campaign_id: x.campaignId, amount_fen: amountFen, customer_id: x.customerId ?? null, occurred_at: at(e) }),
      ];
      if (fresh(countingOf(s), 'cost', costId)) countingOf(s).delta.add('ce_campaign_totals', { campaign_id: x.campaignId }, { cost_fen: amountFen });
      return out;
    }
    case 'ComplaintRecorded': {
      if (!x.campaignId) return [];
      const complaintId = `${x.customerId}:${x.complaintId}`;
      const out = [
        insert('ce_complaints', { complaint_id: complaintId, campaign_id: x.campaignId, customer_id: x.customerId, occurred_at: at(e) }),
      ];
      if (fresh(countingOf(s), 'complaint', complaintId)) countingOf(s).delta.add('ce_campaign_totals', { campaign_id: x.campaignId }, { complaints: 1 });
      return out;
    }
    default:
      return [];
  }
}

const EVENT_TYPES = [
  'CampaignDrafted',
  'CampaignSubmitted',
  'CampaignApproved',
  'CampaignRejected',
  'CampaignLaunched',
  'CampaignCompleted',
  'CampaignCancelled',
  'CustomerOnboarded',
  'CustomerTierChanged',
  'CustomerTransferred',
  'CustomerEnrolledInCampaign',
  'CustomerContacted',
  'OfferPresented',
  'OfferAccepted',
  'CustomerTookPartInCampaign',
  'ConversionRecorded',
  'ConversionReversed',
  'CampaignCostRecorded',
  'ComplaintRecorded',
];

/** The projection as data; its tables are read when a build creates them (the business days are cut in BANK_TIME_ZONE as it is then). */
export const campaignEffectivenessDefinition = (timeZone: string): EffectProjection<CeCountedState> => {
  const day = bankDayIn(timeZone);
  return {
    name: 'campaign-effectiveness',
    // 7: the counters as the batch's own `add` effects, no triggers (6: effects, written by the runner; 5: counters)
    version: VERSION,
    tables: campaignEffectivenessTables(),
    eventTypes: EVENT_TYPES,
    state: async (tx, events) => Object.assign(await loadCeState(tx, events), { counting: await loadCeCounting(tx, events) }),
    effects: (e, s) => campaignEffectivenessEffects(e, s, day),
    // The counters the batch moved: one `add` upsert per counter row, once its events are through.
    settle: (s) => countingOf(s).delta.effects(),
  };
};
const VERSION = 7;

/**
 * The facts behind campaign effectiveness, folded per batch in memory and written with a
 * statement or two per table, and the counters the answer reads, kept from them.
 */
const live = () => effectProjection(campaignEffectivenessDefinition(bankTimeZone()));
export const campaignEffectivenessProjection: Projection & { readonly definition: EffectProjection<CeCountedState> } = {
  name: 'campaign-effectiveness',
  version: VERSION,
  eventTypes: EVENT_TYPES,
  get tables() {
    return live().tables;
  },
  get definition() {
    return campaignEffectivenessDefinition(bankTimeZone());
  },
  apply: (tx, events) => live().apply(tx, events),
};
