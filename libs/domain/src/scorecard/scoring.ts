import { halfUpDivide, toScaled } from '../shared/decimal';

/**
 * How sales become scorecard points (004, 招商银行 balanced scorecard). Every figure here is a
 * platform default that an analyst can replace in a what-if rule set.
 */
export interface ScoringRules {
  /** The referrer's share of a referral sale (转介绍); the seller keeps the rest. Default 50/50. */
  readonly referralShare: number;
  /** Points taken off a person's score per complaint about their contacts. */
  readonly complaintPenalty: number;
  /** Points taken off per unsuitable offer or sale they attempted (mis-selling). */
  readonly unsuitablePenalty: number;
}

export const DEFAULT_SCORING: ScoringRules = { referralShare: 0.5, complaintPenalty: 200, unsuitablePenalty: 500 };

export interface SaleToCredit {
  readonly revenueFen: number;
  /** The product's points per CNY of revenue, as it stood when the sale was made: a decimal (events carry "1.5000"). */
  readonly weight: string | number;
  readonly sellerStaffId: string;
  readonly referrerStaffId: string | null;
  /** The customer's assigned manager at the time: the sale counts for them, whoever made it (客户归属考核). */
  readonly managerId: string | null;
  /**
   * When the customer was moved up to a wealth/private-banking centre: the manager who referred
   * them keeps the credit, and the centre's manager is scored on it in a shadow column (影子考核).
   */
  readonly shadow: { readonly referringManagerId: string; readonly centreManagerId: string } | null;
}

export interface Credit {
  readonly staffId: string;
  readonly kind: 'sale' | 'referral' | 'shadow';
  readonly conversions: number;
  readonly revenueFen: number;
  /** Points, to two decimals, for answers: `pointsHundredths / 100`. */
  readonly points: number;
  /** Points in hundredths of a point, an exact integer: what is stored and summed. */
  readonly pointsHundredths: number;
}

/** Weights are kept to four places (numeric(12,4)); shares of a sale to six. */
const WEIGHT_PLACES = 4;
const SHARE_PLACES = 6;

/**
 * The points a revenue earns at a weight, in hundredths of a point, rounded half up: revenue in
 * fen (hundredths of a CNY) × weight is already in hundredths of a point, cut to a whole one.
 * 35 fen × 1.5 = 52.5 → 53 (0.53 points).
 */
export function pointsHundredthsFor(revenueFen: number, weight: string | number): number {
  return Number(halfUpDivide(BigInt(revenueFen) * toScaled(weight, WEIGHT_PLACES), 10n ** BigInt(WEIGHT_PLACES)));
}

/** An amount in hundredths (penalties, targets: "200", 200.5) as an exact integer count of them. */
export const toHundredths = (value: string | number): number => Number(toScaled(value, 2));

/** Who is credited with a sale, and with what share of its revenue and points. */
export function creditsFor(sale: SaleToCredit, rules: ScoringRules = DEFAULT_SCORING): Credit[] {
  const at = (revenueFen: number) => {
    const pointsHundredths = pointsHundredthsFor(revenueFen, sale.weight);
    return { revenueFen, points: pointsHundredths / 100, pointsHundredths };
  };
  const owner = sale.shadow ? sale.shadow.referringManagerId : (sale.managerId ?? sale.sellerStaffId);
  const credits: Credit[] = [];
  if (sale.referrerStaffId && sale.referrerStaffId !== owner) {
    const referrerFen = Number(halfUpDivide(BigInt(sale.revenueFen) * toScaled(rules.referralShare, SHARE_PLACES), 10n ** BigInt(SHARE_PLACES)));
    const ownerFen = sale.revenueFen - referrerFen;
    credits.push({ staffId: owner, kind: 'sale', conversions: 1, ...at(ownerFen) });
    credits.push({ staffId: sale.referrerStaffId, kind: 'referral', conversions: 0, ...at(referrerFen) });
  } else {
    credits.push({ staffId: owner, kind: 'sale', conversions: 1, ...at(sale.revenueFen) });
  }
  if (sale.shadow) {
    credits.push({ staffId: sale.shadow.centreManagerId, kind: 'shadow', conversions: 1, ...at(sale.revenueFen) });
  }
  return credits;
}
