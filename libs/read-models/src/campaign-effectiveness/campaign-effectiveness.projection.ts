import { bankTimeZone, periodBound, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { effectProjection, insert, update, upsert, type Effect, type EffectProjection } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { campaignEffectivenessTables } from './campaign-effectiveness.tables';
import {
  conversionsOf,
  groupConversionsOf,
  loadCeState,
  participantsOf,
  stepsKey,
  type CeHistoryRow,
  type CeParticipant,
  type CeState,
  type FunnelColumn,
} from './campaign-effectiveness.state';

const fen = (amount: string) => toFen(amount)!;
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

/**
 * The sales that count for a participant's group: its paired sales, not reversed, between launch and
 * close; and, for the as-of counters, each paired sale in the run with when it was reversed (null:
 * it stands), ordered, so the database can tell what counted on each bank day.
 */
export function salesOf(s: CeState, p: CeParticipant): { sales: number; revenueFen: number; steps: { at: number; until: number | null; revenueFen: number }[] } | null {
  const k = s.campaigns.get(p.campaignId);
  if (!k) return null;
  let sales = 0;
  let revenueFen = 0;
  const steps: { at: number; until: number | null; revenueFen: number }[] = [];
  if (k.launchedAt !== null) {
    const known = s.conversions.get(p.customerId);
    for (const id of s.groupConversions.get(`${p.campaignId}\u0000${p.customerId}`) ?? []) {
      const v = known?.get(id);
      if (!v || v.occurredAt < k.launchedAt || (k.closedAt !== null && v.occurredAt > k.closedAt)) continue;
      steps.push({ at: v.occurredAt, until: v.reversed ? v.reversedAt : null, revenueFen: v.revenueFen });
      if (v.reversed) continue;
      sales++;
      revenueFen += v.revenueFen;
    }
  }
  steps.sort((a, b) => a.at - b.at || (a.until ?? Infinity) - (b.until ?? Infinity) || a.revenueFen - b.revenueFen);
  return { sales, revenueFen, steps };
}

const participantKey = (p: CeParticipant) => ({ campaign_id: p.campaignId, customer_id: p.customerId });

/** The participant's counting sales again (and their steps by day); a row only where they change. */
function recount(s: CeState, p: CeParticipant): Effect[] {
  const now = salesOf(s, p);
  if (!now) return [];
  const at = now.steps.map((x) => x.at);
  const until = now.steps.map((x) => x.until);
  const revenue = now.steps.map((x) => x.revenueFen);
  const steps = stepsKey(at, until, revenue);
  if (now.sales === p.sales && now.revenueFen === p.revenueFen && steps === p.steps) return [];
  p.sales = now.sales;
  p.revenueFen = now.revenueFen;
  p.steps = steps;
  return [
    update('ce_participants', {
      ...participantKey(p),
      sales: p.sales,
      revenue_fen: p.revenueFen,
      sale_at: at.map((t) => new Date(t).toISOString()),
      sale_until: until.map(iso),
      sale_revenue: revenue,
    }),
  ];
}

/** The customer's participants placed again after their unit or tier history changed; a row only where it changes. */
function replace(s: CeState, customerId: string): Effect[] {
  const out: Effect[] = [];
  for (const p of s.participants.get(customerId)?.values() ?? []) {
    const place = placeAt(s.units.get(customerId) ?? [], s.tiers.get(customerId) ?? [], p.enrolledAt);
    if (place.unitId === p.unitId && place.unitFrom === p.unitFrom && place.tier === p.tier) continue;
    Object.assign(p, place);
    out.push(update('ce_participants', { ...participantKey(p), unit_id: p.unitId, unit_from: iso(p.unitFrom), tier: p.tier }));
  }
  return out;
}

/** Pairs a customer's sales of a campaign's products with their participation in it (from either side), then recounts. */
function pair(s: CeState, p: CeParticipant, conversionIds: Iterable<string>): Effect[] {
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
  return out.length ? [...out, ...recount(s, p)] : out;
}

/** A unit or tier from the event's time: a history row (once), the customer's participants placed again. */
function history(s: CeState, e: RecordedEvent, table: 'ce_customer_units' | 'ce_customer_tiers', column: 'unit_id' | 'tier', value: string): Effect[] {
  const customerId = d(e).customerId as string;
  const rows = (table === 'ce_customer_units' ? s.units : s.tiers).get(customerId) ?? [];
  const row = { validFrom: Date.parse(at(e)), seq: seqOf(e), value };
  if (!rows.some((r) => r.validFrom === row.validFrom && r.seq === row.seq)) rows.push(row);
  (table === 'ce_customer_units' ? s.units : s.tiers).set(customerId, rows);
  return [insert(table, { customer_id: customerId, valid_from: at(e), seq: row.seq.toString(), [column]: value }), ...replace(s, customerId)];
}

/** The first time a tagged participant reached these stages (the earliest seen stays). */
function reached(s: CeState, e: RecordedEvent, ...columns: FunnelColumn[]): Effect[] {
  const p = d(e).campaignId ? s.participants.get(d(e).customerId)?.get(d(e).campaignId) : undefined;
  if (!p) return [];
  const t = Date.parse(at(e));
  const change: Record<string, string> = {};
  for (const c of columns) {
    const current = p.first[c];
    if (current !== null && current <= t) continue;
    p.first[c] = t;
    change[c] = at(e);
  }
  return Object.keys(change).length ? [update('ce_participants', { ...participantKey(p), ...change })] : [];
}

/** A lifecycle step: the status (and the close time), the step's history row; a launch or close moves the run's bounds, so its sales are recounted. */
function step(s: CeState, e: RecordedEvent, status: string, change: Record<string, unknown> = {}): Effect[] {
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
    if (p) out.push(...recount(s, p));
  }
  return out;
}

/**
 * What one event does to the facts behind campaign effectiveness, given the state of the rows it
 * is about (pure but for recording its own decisions in `s`, which later events of the batch read).
 * The counters follow from the fact rows written (triggers; see the tables).
 */
export function campaignEffectivenessEffects(e: RecordedEvent, s: CeState): Effect[] {
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
          // A bank day (an imported plan may give one) read as the decider reads it: the start from its first instant, the end after its last.
          period_start: periodBound(x.period.start, 'start') ?? x.period.start,
          period_end: periodBound(x.period.end, 'end') ?? x.period.end,
          target_conversions: x.targets?.conversions ?? null,
          target_revenue: x.targets?.revenue ?? null,
          drafted_at: at(e),
        }),
        insert('ce_campaign_states', { campaign_id: x.campaignId, at: at(e), seq: seqOf(e).toString(), status: 'draft' }),
      ];
    case 'CampaignSubmitted':
      return step(s, e, 'submitted');
    case 'CampaignApproved':
      return step(s, e, 'approved');
    case 'CampaignRejected':
      return step(s, e, 'rejected');
    case 'CampaignLaunched':
      return step(s, e, 'launched', { launched_at: at(e), treatment_count: x.treatmentCount, control_count: x.controlCount });
    case 'CampaignCompleted':
      return step(s, e, 'completed', { closed_at: at(e) });
    case 'CampaignCancelled':
      return step(s, e, 'cancelled', { closed_at: at(e) });
    case 'CustomerOnboarded':
      return [upsert('ce_customers', { customer_id: x.customerId, unit_id: x.homeUnitId }), ...history(s, e, 'ce_customer_units', 'unit_id', x.homeUnitId)];
    case 'CustomerTierChanged':
      return [update('ce_customers', { customer_id: x.customerId, tier: x.to }), ...history(s, e, 'ce_customer_tiers', 'tier', x.to)];
    case 'CustomerTransferred':
      return [update('ce_customers', { customer_id: x.customerId, unit_id: x.toUnitId }), ...history(s, e, 'ce_customer_units', 'unit_id', x.toUnitId)];
    case 'CustomerEnrolledInCampaign': {
      // Placed in their unit and tier at enrolment as they are inserted (counted once, where they belong).
      const mine = participantsOf(s, x.customerId);
      let p = mine.get(x.campaignId);
      const out: Effect[] = [];
      if (!p) {
        const enrolledAt = Date.parse(at(e));
        const place = placeAt(s.units.get(x.customerId) ?? [], s.tiers.get(x.customerId) ?? [], enrolledAt);
        p = { campaignId: x.campaignId, customerId: x.customerId, grp: x.group, enrolledAt, first: { first_contacted_at: null, first_offered_at: null, first_accepted_at: null, took_part_at: null }, ...place, sales: 0, revenueFen: 0, steps: stepsKey([], [], []) };
        mine.set(x.campaignId, p);
        out.push(insert('ce_participants', { ...participantKey(p), grp: p.grp, enrolled_at: at(e), unit_id: p.unitId, unit_from: iso(p.unitFrom), tier: p.tier }));
      }
      // Sales already seen for this customer count too: the pairs do not depend on which came first in the log.
      return [...out, ...pair(s, p, s.conversions.get(x.customerId)?.keys() ?? [])];
    }
    case 'CustomerContacted':
      if (!x.campaignId) return [];
      return [
        insert('ce_contacts', { contact_id: x.contactId, campaign_id: x.campaignId, customer_id: x.customerId, staff_id: x.staffId, channel: x.channel, occurred_at: at(e) }),
        ...reached(s, e, 'first_contacted_at'),
      ];
    case 'OfferPresented':
      return reached(s, e, 'first_offered_at');
    // Accepting one of the campaign's offers is taking part in it, as is a participation recorded as such.
    case 'OfferAccepted':
      return reached(s, e, 'first_accepted_at', 'took_part_at');
    case 'CustomerTookPartInCampaign':
      return reached(s, e, 'took_part_at');
    case 'ConversionRecorded': {
      const known = conversionsOf(s, x.customerId);
      if (!known.has(x.conversionId)) known.set(x.conversionId, { productCode: x.productCode, occurredAt: Date.parse(at(e)), revenueFen: fen(x.revenue), reversed: false, reversedAt: null });
      const out: Effect[] = [
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
      ];
      // Tagged or not: a sale of a campaign's product to one of its enrolled customers counts for their group.
      for (const p of s.participants.get(x.customerId)?.values() ?? []) out.push(...pair(s, p, [x.conversionId]));
      return out;
    }
    case 'ConversionReversed': {
      const v = s.conversions.get(x.customerId)?.get(x.conversionId);
      if (!v || v.reversed) return [];
      v.reversed = true;
      v.reversedAt = Date.parse(at(e));
      const out: Effect[] = [update('ce_conversions', { customer_id: x.customerId, conversion_id: x.conversionId, reversed: true, reversed_at: at(e) })];
      for (const p of s.participants.get(x.customerId)?.values() ?? []) out.push(...recount(s, p));
      return out;
    }
    case 'CampaignCostRecorded':
      return [insert('ce_costs', { campaign_id: x.campaignId, cost_id: x.costId, amount_fen: fen(x.amount), customer_id: x.customerId ?? null, occurred_at: at(e) })];
    case 'ComplaintRecorded':
      if (!x.campaignId) return [];
      return [insert('ce_complaints', { customer_id: x.customerId, complaint_id: x.complaintId, campaign_id: x.campaignId, occurred_at: at(e) })];
    case 'CampaignFeedbackRecorded':
      return [insert('ce_feedback', { campaign_id: x.campaignId, feedback_id: x.feedbackId, rating: x.rating ?? null, occurred_at: at(e) })];
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
  'CampaignFeedbackRecorded',
];

/** The projection as data; its tables are read when a build creates them (the business days are cut in BANK_TIME_ZONE as it is then). */
export const campaignEffectivenessDefinition = (timeZone: string): EffectProjection<CeState> => ({
  name: 'campaign-effectiveness',
  // 14: the group now by tier and by unit at enrolment apart (ce_tier_now_counts, ce_unit_now_counts, replacing
  // ce_group_now_counts' row per unit and tier), so the answer now reads a row per group and unit, not per unit and tier;
  // 13: the group now without the day (ce_group_now_counts: the stages with the sales of ce_group_sales_counts, which it
  // replaces), so the answer now reads a row per group, unit and tier, not one per day each was reached;
  // 12: the sales indexed by (campaign, time, customer, conversion), the order the sales list pages them in;
  // 11: event times to the millisecond (an imported log's finer times truncated, `occurredAt`), so the database
  // compares the launch, the close and the sales as the fold does;
  // 10: costs keyed by (campaign, cost) and complaints by (customer, complaint), no longer by their ids joined with ':'
  // (an id may hold ':', so two pairs could share a key and one be lost);
  // and the participants' counters grouped before they unfold (the same rows; the triggers change, so a build picks them up);
  // and the spans kept as per-day deltas (ce_converted_counts, ce_revenue_counts, ce_tagged_span_counts keyed by
  // as_of_day: +n on a span's from day, −n on its to day), so their rows grow with the campaign's days, not pairs of them;
  // 9: converted customers and their revenue by the bank days each held (ce_converted_counts, ce_revenue_counts,
  // ce_tagged_span_counts; the participants' sale steps), costs per day: as of a day's end reads no per-customer rows;
  // 8: the reaction per bank day (ce_reaction_counts: customers first contacted in their 旬, complaints, feedback), the
  // targets; 7: contacts and complaints indexed by (campaign, time); 6: effects, written by the runner (5: counters)
  version: 14,
  dependsOnTimeZone: true, // ce_day() and every counter keyed by bank day; a period given as bank days
  tables: campaignEffectivenessTables(timeZone),
  eventTypes: EVENT_TYPES,
  state: loadCeState,
  effects: campaignEffectivenessEffects,
});

/**
 * The facts behind campaign effectiveness, folded per batch in memory and written with a
 * statement or two per table, and the counters the answer reads, kept from them.
 */
const live = () => effectProjection(campaignEffectivenessDefinition(bankTimeZone()));
export const campaignEffectivenessProjection: Projection & { readonly definition: EffectProjection<CeState> } = {
  name: 'campaign-effectiveness',
  version: 14,
  dependsOnTimeZone: true,
  eventTypes: EVENT_TYPES,
  get tables() {
    return live().tables;
  },
  get definition() {
    return campaignEffectivenessDefinition(bankTimeZone());
  },
  apply: (tx, events) => live().apply(tx, events),
};
