import { invalid } from '../errors';
import { contactPolicyFor, isWithin, type Organisation } from '../organisation/organisation.state';
import { controlGroupInForce, unsuitability } from '../customer/customer.rules';
import { businessDay, businessYear, startOfBusinessDay, startOfBusinessDaysEnding } from '../shared/calendar';
import { addDays, isBefore } from '../shared/time';
import { RISK_LEVELS, type Channel, type RiskLevel, type Tier } from '../shared/types';
import type { AudienceRule, CampaignPlan } from './campaign.events';

/**
 * Why a customer the audience rule matched is left out, first reason first: each customer is
 * counted once, under the first that applies. The codes are the customer decider's refusals
 * where it has one (the decider stays the authority at launch).
 */
export const AUDIENCE_EXCLUSIONS = ['DATA_ERASED', 'OPTED_OUT', 'NOT_SUITABLE', 'CONTACT_LIMIT_REACHED', 'IN_ANOTHER_CONTROL_GROUP', 'IN_OVERLAPPING_CAMPAIGN'] as const;
export type AudienceExclusion = (typeof AUDIENCE_EXCLUSIONS)[number];

/** A campaign as the audience rules need it: what it is doing, and when. */
export interface CampaignWindow {
  readonly campaignId: string;
  readonly status: string;
  readonly periodStart: string;
  readonly periodEnd: string;
}

/**
 * An audience rule made concrete for one moment and one campaign: every decision (which units,
 * which tolerances suffice, which control groups are in force, the contact caps of each unit) is
 * made here, by the domain's own rules, so the query that applies it is a plain filter.
 */
export interface AudienceSelection {
  readonly at: string;
  /** Home units the audience may come from: the owner's subtree, narrowed by the rule's units. */
  readonly unitIds: readonly string[];
  readonly tiers: readonly Tier[];
  readonly segments: readonly string[];
  readonly genders: readonly string[];
  readonly holdsAnyOf: readonly string[];
  readonly holdsNoneOf: readonly string[];
  readonly birthYearFrom: number | null;
  readonly birthYearTo: number | null;
  /** Dormant: last transaction (or onboarding) before this instant; null: no such criterion. */
  readonly lastActiveBefore: string | null;
  readonly channels: readonly Channel[];
  readonly consentAllChannels: boolean;
  /** Tolerances that make every risk-bearing product suitable (with an assessment valid at `at`); null: suitability not asked. */
  readonly suitableTolerances: readonly RiskLevel[] | null;
  /** Per home unit, the campaign contacts in 30 days that reach its cap; null: caps not asked. */
  readonly contactCaps: ReadonlyMap<string, number> | null;
  /** Campaign contacts after this instant count against the cap: the millisecond before the 30 bank days ending with `at`'s day began (the decider's window). */
  readonly contactsSince: string;
  /** Other campaigns whose control group is in force at `at` (empty when the plan includes them). */
  readonly controlGroupsInForce: readonly string[];
  /** Other running campaigns whose period overlaps this one's; null: overlap not asked. */
  readonly overlappingCampaigns: readonly string[] | null;
}

/** The audience's plan: what the campaign offers, where, how and when. */
export type AudiencePlan = Pick<CampaignPlan, 'ownerUnitId' | 'productCodes' | 'channels' | 'audience' | 'period' | 'includeOtherControlGroups'>;

export function audienceSelection(plan: AudiencePlan, campaignId: string | null, org: Organisation, campaigns: readonly CampaignWindow[], at: string): AudienceSelection {
  const rule = plan.audience;
  const unitIds = [...org.units.keys()].filter((u) => isWithin(org, u, plan.ownerUnitId) && (rule.unitIds.length === 0 || rule.unitIds.some((r) => isWithin(org, u, r))));
  const year = businessYear(at);
  const others = campaigns.filter((c) => c.campaignId !== campaignId);
  const products = plan.productCodes.map((code) => org.products.get(code)).filter((p) => p !== undefined);
  // A tolerance suffices when the suitability rule finds no product above it, under an assessment valid now.
  const validNow = { validUntil: addDays(at, 1) };
  return {
    at,
    unitIds,
    tiers: rule.tiers,
    segments: rule.segments,
    genders: rule.genders,
    holdsAnyOf: rule.holdsAnyOf,
    holdsNoneOf: rule.holdsNoneOf,
    birthYearFrom: rule.ageBand?.max != null ? year - rule.ageBand.max : null,
    birthYearTo: rule.ageBand?.min != null ? year - rule.ageBand.min : null,
    lastActiveBefore: rule.dormantMonths ? monthsBefore(at, rule.dormantMonths) : null,
    channels: plan.channels,
    consentAllChannels: rule.consent === 'all',
    // Without a risk-bearing product no assessment is needed, so nobody is unsuitable.
    suitableTolerances: rule.suitableOnly && products.some((p) => unsuitability(p, null, at)) ? RISK_LEVELS.filter((tolerance) => products.every((p) => !unsuitability(p, { tolerance, ...validNow }, at))) : null,
    contactCaps: rule.excludeContactCapReached ? new Map(unitIds.map((u) => [u, contactPolicyFor(org, u).maxCampaignContactsPer30Days])) : null,
    contactsSince: new Date(Date.parse(startOfBusinessDaysEnding(at, 30)) - 1).toISOString(),
    controlGroupsInForce: plan.includeOtherControlGroups ? [] : others.filter((c) => controlGroupInForce(c, at)).map((c) => c.campaignId),
    overlappingCampaigns: rule.excludeOverlappingCampaigns ? others.filter((c) => controlGroupInForce(c, at) && periodsOverlap(c, plan.period)).map((c) => c.campaignId) : null,
  };
}

/** Two half-open periods [start, end) share an instant. */
export const periodsOverlap = (a: { periodStart: string; periodEnd: string }, b: { start: string; end: string }): boolean =>
  isBefore(a.periodStart, b.end) && isBefore(b.start, a.periodEnd);

/** The start of the bank day `months` calendar months before `at`'s (the 31st going back to a shorter month takes its last day). */
export function monthsBefore(at: string, months: number): string {
  const [y, m, d] = businessDay(at).split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const day = `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
  return startOfBusinessDay(day);
}

/** The rule's own checks, made when a plan is drafted and when an audience is previewed. */
export function checkAudienceRule(rule: AudienceRule): void {
  const band = rule.ageBand;
  if (band) {
    for (const v of [band.min, band.max]) {
      if (v !== null && (!Number.isInteger(v) || v < 0 || v > 130)) throw invalid('INVALID_AGE_BAND', 'an age band has whole years from 0 to 130', { ageBand: band });
    }
    if (band.min !== null && band.max !== null && band.min > band.max) throw invalid('INVALID_AGE_BAND', 'an age band\'s lower bound is at most its upper bound', { ageBand: band });
  }
  if (rule.dormantMonths != null && (!Number.isInteger(rule.dormantMonths) || rule.dormantMonths < 1 || rule.dormantMonths > 120)) {
    throw invalid('INVALID_DORMANCY', 'dormant means no transaction for 1 to 120 whole months', { dormantMonths: rule.dormantMonths });
  }
}
