import { toFen, type Fen } from '../shared/money';
import { startOfBusinessDaysEnding } from '../shared/calendar';
import { isBefore } from '../shared/time';
import { riskRank, type RiskLevel, type Tier } from '../shared/types';
import type { ContactPolicy } from '../organisation/organisation.events';
import type { Product } from '../organisation/organisation.state';
import type { UnsuitableReason } from './customer.events';

/** Tier by 3-month average daily assets (004 篇九 第五条). */
export function tierFor(averageFen: Fen, t: { standard: Fen; platinum: Fen; black: Fen }): Tier {
  if (averageFen >= t.black) return 'black';
  if (averageFen >= t.platinum) return 'platinum';
  if (averageFen >= t.standard) return 'standard';
  return 'ordinary';
}

/** Mean of the monthly averages of (up to) the last three months, in whole fen. */
export const threeMonthAverage = (balances: readonly { fen: Fen }[]): Fen => {
  const last = balances.slice(-3);
  return last.length === 0 ? 0 : Math.round(last.reduce((s, b) => s + b.fen, 0) / last.length);
};

/**
 * The unit holding most of the customer's assets (004: auto-assignment on entry); ties go to
 * the unit named first in alphabetical order, so the choice is deterministic.
 */
export function unitWithMostAssets(assetsByUnit: Record<string, string>): string | undefined {
  let best: { unitId: string; fen: Fen } | undefined;
  for (const unitId of Object.keys(assetsByUnit).sort()) {
    const fen = toFen(assetsByUnit[unitId]!) ?? 0;
    if (!best || fen > best.fen) best = { unitId, fen };
  }
  return best?.unitId;
}

/**
 * Suitability (001 服务准则 2b): a risk-bearing product needs a valid assessment whose tolerance
 * is at least the product's risk level. Returns why not, or `undefined` when it is suitable.
 */
export function unsuitability(
  product: Pick<Product, 'riskLevel' | 'riskBearing'>,
  risk: { tolerance: RiskLevel; validUntil: string } | null,
  now: string,
): UnsuitableReason | undefined {
  if (!product.riskBearing) return undefined;
  if (!risk) return 'no_assessment';
  if (!isBefore(now, risk.validUntil)) return 'assessment_expired';
  if (riskRank(product.riskLevel) > riskRank(risk.tolerance)) return 'risk_above_tolerance';
  return undefined;
}

/**
 * A running campaign keeps its control group out of other campaigns (DOMAIN.md, Campaigns): while
 * it is launched and its period is not over.
 */
export const controlGroupInForce = (campaign: { status: string; periodEnd: string }, now: string): boolean => campaign.status === 'launched' && isBefore(now, campaign.periodEnd);

export interface ContactLimitBreach {
  readonly limit: 'per_customer_30_days' | 'per_campaign_7_days';
  readonly max: number;
  readonly count: number;
}

/**
 * Contact policy: campaign contacts per customer in 30 days, and per campaign in 7 days — bank
 * days (BANK_TIME_ZONE), as every business day is (issue 13): the day of the new contact and the
 * 29 (or 6) bank days before it, from their first midnight, not a rolling 30 × 24 hours. A contact
 * at 23:30 on 24 March no longer counts for one at 00:30 on 31 March (Beijing), 6 days and 1 hour
 * later; one at 00:30 on 25 March still does. A contact stamped later than the command counts too
 * (racing requests decided out of order).
 */
export function contactLimitBreach(state: { readonly contacts: ReadonlyMap<string, { readonly campaignId: string | null; readonly at: string }> }, campaignId: string, now: string, policy: ContactPolicy): ContactLimitBreach | undefined {
  const campaignContacts = [...state.contacts.values()].filter((c) => c.campaignId !== null);
  const since = (days: number) => {
    const start = Date.parse(startOfBusinessDaysEnding(now, days));
    return (c: { at: string }) => Date.parse(c.at) >= start;
  };
  const last30 = campaignContacts.filter(since(30)).length;
  if (last30 >= policy.maxCampaignContactsPer30Days) {
    return { limit: 'per_customer_30_days', max: policy.maxCampaignContactsPer30Days, count: last30 };
  }
  const in7 = since(7);
  const thisCampaign7 = campaignContacts.filter((c) => c.campaignId === campaignId && in7(c)).length;
  if (thisCampaign7 >= policy.maxContactsPerCampaignPer7Days) {
    return { limit: 'per_campaign_7_days', max: policy.maxContactsPerCampaignPer7Days, count: thisCampaign7 };
  }
  return undefined;
}
