import type { Pool } from 'pg';
import { AttributionLedger, DEFAULT_CONTACT_POLICY, formatFen, fromHundredths, saleKey, startOfBusinessDaysEnding, toFen } from '@app/domain';
import { comparePositions, formatPosition, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import { buildScratch } from '../as-of/scratch';
import { campaignEffectivenessProjection } from '../campaign-effectiveness/campaign-effectiveness.projection';
import { campaignEffectiveness, campaignList } from '../campaign-effectiveness/campaign-effectiveness.query';
import { readModelPosition, withReadModels, type Queryable } from '../runner/read-model-position';
import { staffScorecardProjection, staffScorecardProjectionWith } from '../staff-scorecard/staff-scorecard.projection';
import { scorecard } from '../staff-scorecard/staff-scorecard.query';
import type { RuleSet } from './rule-set';

interface CampaignFigures {
  readonly conversions: number;
  readonly revenue: string;
  readonly roi: number | null;
}
interface PersonFigures {
  readonly points: number;
  readonly score: number;
  readonly rankInUnit: number;
}

export interface WhatIfAnswer {
  readonly period: string;
  readonly campaigns: { campaignId: string; name: string; live: CampaignFigures; whatIf: CampaignFigures; change: { conversions: number; revenue: string } }[];
  /**
   * Every person-unit row of the month whose figures differ, and how: all of them (the scorecard read whole, no
   * page), in the scorecard's order (`scorecard`, as its API states): best live score first, equal scores by staff
   * id, then unit.
   */
  readonly people: { staffId: string; unitId: string; live: PersonFigures; whatIf: PersonFigures; change: { points: number; rank: number } }[];
  /**
   * Events the counterfactual filter left out (contacts beyond the limits and what they led to) that the figures
   * compared would otherwise have taken in: each up to the position of a side (`through`) whose read model reads
   * its type (`leftOutOf`). Never one past both positions, nor one neither side reads (a declined offer).
   */
  readonly filteredOut: number;
  /**
   * The store positions compared, each side at the same one: the campaigns' live read model's (the campaigns
   * replayed and credited up to it), and the staff scorecard's (the people replayed up to it). They differ while
   * one read model is further behind the store than the other. Null: nothing yet.
   */
  readonly through: { readonly campaigns: string | null; readonly people: string | null };
}

const roiOf = (revenueFen: number, costFen: number) => (costFen > 0 ? Math.round(((revenueFen - costFen) / costFen) * 10_000) / 10_000 : null);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Recomputes the whole history under another rule set and sets the result beside the live figures:
 * per campaign (conversions, revenue, ROI) and per person for a month (points, score, rank).
 * Nothing live is touched: the history is replayed into scratch tables, which are dropped after.
 */
export async function whatIf(pool: Pool, store: EventStore, rules: RuleSet, period: string, onProgress?: (read: number) => void): Promise<WhatIfAnswer> {
  const ledger = new AttributionLedger(rules.attribution);
  const filter = rules.contactPolicy ? contactPolicyFilter({ ...DEFAULT_CONTACT_POLICY, ...rules.contactPolicy }) : null;
  /** Each side's read model and the position its figures reflect (set once the live figures are read). */
  let sides: readonly Side[] = [];
  let filteredOut = 0;
  const transform = (batch: readonly RecordedEvent[]) => {
    const weighted = Object.keys(rules.productWeights).length ? batch.map((e) => withWeight(e, rules.productWeights)) : batch;
    if (!filter) return weighted;
    const kept = filter.apply(weighted);
    if (kept.length < weighted.length) {
      const left = new Set(kept);
      for (const e of weighted) if (!left.has(e) && leftOutOf(e, sides)) filteredOut++;
    }
    return kept;
  };
  let campaignsAt: Awaited<ReturnType<typeof readModelPosition>> = null;
  // The campaigns' side is credited up to the position their live read model reflects, as it is replayed.
  const observe = (e: RecordedEvent) => {
    if (campaignsAt && comparePositions(e.position, campaignsAt) <= 0) ledger.apply({ type: e.type, data: e.data, occurredAt: e.metadata.occurredAt });
  };

  const campaignsIn = async (db: Queryable) => {
    const out = new Map<string, { name: string; conversions: number; revenueFen: number; costFen: number }>();
    for (const c of await campaignList(db)) {
      const f = (await campaignEffectiveness(db, c.campaignId))!;
      out.set(c.campaignId, { name: f.name, conversions: f.conversions, revenueFen: toFen(f.revenue)!, costFen: toFen(f.cost)! });
    }
    return out;
  };
  // The live figures with the positions they reflect, read in their snapshot; each side is replayed up to its own,
  // never to the store's head (figures of events the live side has not applied yet would show as the rules' doing).
  const live = await withReadModels(pool, [campaignEffectivenessProjection.name, staffScorecardProjection.name], async (db) => ({
    campaigns: await campaignsIn(db),
    // Every row (no limit), best live score first: the order `people` keeps.
    people: (await scorecard(db, period, undefined, { limit: null })).people,
    at: { campaigns: await readModelPosition(db, campaignEffectivenessProjection.name), people: await readModelPosition(db, staffScorecardProjection.name) },
  }));
  campaignsAt = live.at.campaigns;
  sides = [
    { eventTypes: campaignEffectivenessProjection.eventTypes, through: live.at.campaigns },
    { eventTypes: staffScorecardProjection.eventTypes, through: live.at.people },
  ];
  const scratch = await buildScratch(pool, store, [campaignEffectivenessProjection, staffScorecardProjectionWith(rules.scoring)], {
    transform,
    observe,
    onProgress,
    throughEach: [live.at.campaigns, live.at.people],
  });
  let other;
  try {
    other = await scratch.query(async (db) => ({ campaigns: await campaignsIn(db), people: (await scorecard(db, period, undefined, { limit: null })).people }));
  } finally {
    await scratch.drop();
  }

  const credited = ledger.totals();
  const campaigns = [...live.campaigns.entries()].map(([campaignId, l]) => {
    const o = other.campaigns.get(campaignId) ?? { name: l.name, conversions: 0, revenueFen: 0, costFen: l.costFen };
    const attributed = rules.attribution.model === 'direct' ? { conversions: o.conversions, revenueFen: o.revenueFen } : { conversions: credited.get(campaignId)?.conversions ?? 0, revenueFen: toFen(credited.get(campaignId)?.revenue ?? '0')! };
    return {
      campaignId,
      name: l.name,
      live: { conversions: l.conversions, revenue: formatFen(l.revenueFen), roi: roiOf(l.revenueFen, l.costFen) },
      whatIf: { conversions: round3(attributed.conversions), revenue: formatFen(attributed.revenueFen), roi: roiOf(attributed.revenueFen, o.costFen) },
      change: { conversions: round3(attributed.conversions - l.conversions), revenue: formatFen(attributed.revenueFen - l.revenueFen) },
    };
  });
  // One row per person and the unit they were in during the month (a person who moved has two).
  const after = new Map(other.people.map((p) => [`${p.staffId} ${p.unitId}`, p]));
  const people = live.people
    .map((l) => {
      const o = after.get(`${l.staffId} ${l.unitId}`) ?? { points: 0, score: 0, rankInUnit: l.rankInUnit };
      return {
        staffId: l.staffId,
        unitId: l.unitId,
        live: { points: l.points, score: l.score, rankInUnit: l.rankInUnit },
        whatIf: { points: o.points, score: o.score, rankInUnit: o.rankInUnit },
        // Points have two places: the difference in hundredths, exact, shown with two places again.
        change: { points: fromHundredths(Math.round(o.points * 100) - Math.round(l.points * 100)), rank: o.rankInUnit - l.rankInUnit },
      };
    })
    .filter((p) => p.change.points !== 0 || p.change.rank !== 0 || p.live.score !== p.whatIf.score);
  const stated = (p: typeof campaignsAt) => (p ? formatPosition(p) : null);
  return { period, campaigns, people, filteredOut, through: { campaigns: stated(live.at.campaigns), people: stated(live.at.people) } };
}

/** One side of a what-if: the event types its read model reads, and the position its figures reflect (null: nothing yet). */
export interface Side {
  readonly eventTypes: readonly string[];
  readonly through: Position | null;
}

/**
 * Whether the figures of some side would have taken `e` in, had the filter not left it out: it is at or before
 * that side's position and its read model reads events of its type. A what-if's `filteredOut` counts only these:
 * an event past the position of every side that reads it (the log is read up to the further one) changed no figure
 * of the answer.
 */
export function leftOutOf(e: RecordedEvent, sides: readonly Side[]): boolean {
  return sides.some((side) => side.through !== null && comparePositions(e.position, side.through) <= 0 && side.eventTypes.includes(e.type));
}

/** The rule set's weight for a product replaces the one its definition carried. */
export function withWeight(e: RecordedEvent, weights: Readonly<Record<string, number>>): RecordedEvent {
  if (e.type !== 'ProductDefined' && e.type !== 'ProductUpdated') return e;
  const data = e.data as { productCode: string; weight: string };
  const w = weights[data.productCode];
  return w === undefined ? e : { ...e, data: { ...data, weight: w.toFixed(4) } };
}

/** How far before a contact's 30-day window the filter keeps earlier contacts, for entries dated back. */
const BACKDATED_CONTACTS_KEPT_MS = 366 * 86_400_000;

/**
 * The counterfactual of stricter contact limits: a campaign contact beyond them did not happen;
 * a campaign's offer or sale with no remaining contact of that campaign in the 30 bank days up to it
 * did not happen either (nor the reversal of such a sale).
 */
export function contactPolicyFilter(policy: { maxCampaignContactsPer30Days: number; maxContactsPerCampaignPer7Days: number }) {
  const contacts = new Map<string, { campaignId: string; at: number }[]>();
  const droppedSales = new Set<string>();
  const state = {
    dropped: 0,
    apply(batch: readonly RecordedEvent[]): RecordedEvent[] {
      return batch.filter((e) => {
        const data = e.data as { customerId?: string; campaignId?: string | null; conversionId?: string };
        if (!data.customerId) return true;
        const at = Date.parse(e.metadata.occurredAt);
        // The decider's windows: 30 and 7 bank days ending with the contact's day, not rolling 24-hour days.
        // The log is in recording order, not business order: a later entry may be dated before earlier
        // ones (the staff's grace, an admin's correction), so what is kept reaches a year further back
        // than the window, and the window is applied when counting.
        const since30 = Date.parse(startOfBusinessDaysEnding(e.metadata.occurredAt, 30));
        const kept = (contacts.get(data.customerId) ?? []).filter((c) => c.at >= since30 - BACKDATED_CONTACTS_KEPT_MS);
        contacts.set(data.customerId, kept);
        let keep = true;
        if (e.type === 'CustomerContacted' && data.campaignId) {
          const since7 = Date.parse(startOfBusinessDaysEnding(e.metadata.occurredAt, 7));
          const in30 = kept.filter((c) => c.at >= since30).length;
          const sameIn7 = kept.filter((c) => c.campaignId === data.campaignId && c.at >= since7).length;
          keep = in30 < policy.maxCampaignContactsPer30Days && sameIn7 < policy.maxContactsPerCampaignPer7Days;
          if (keep) kept.push({ campaignId: data.campaignId, at });
        } else if ((e.type === 'OfferPresented' || e.type === 'OfferAccepted' || e.type === 'OfferDeclined' || e.type === 'ConversionRecorded') && data.campaignId) {
          keep = kept.some((c) => c.campaignId === data.campaignId && c.at >= since30 && c.at <= at);
          if (!keep && e.type === 'ConversionRecorded') droppedSales.add(saleKey(data.customerId, data.conversionId!));
        } else if (e.type === 'ConversionReversed') {
          keep = !droppedSales.has(saleKey(data.customerId, data.conversionId!));
        }
        if (!keep) state.dropped++;
        return keep;
      });
    },
  };
  return state;
}
