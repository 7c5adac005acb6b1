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
  /** The product's points per CNY of revenue, as it stood when the sale was made. */
  readonly weight: number;
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
  /** Points, to two decimals. */
  readonly points: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Who is credited with a sale, and with what share of its revenue and points. */
export function creditsFor(sale: SaleToCredit, rules: ScoringRules = DEFAULT_SCORING): Credit[] {
  const points = (revenueFen: number) => round2((revenueFen / 100) * sale.weight);
  const owner = sale.shadow ? sale.shadow.referringManagerId : (sale.managerId ?? sale.sellerStaffId);
  const credits: Credit[] = [];
  if (sale.referrerStaffId && sale.referrerStaffId !== owner) {
    const referrerFen = Math.round(sale.revenueFen * rules.referralShare);
    const ownerFen = sale.revenueFen - referrerFen;
    credits.push({ staffId: owner, kind: 'sale', conversions: 1, revenueFen: ownerFen, points: points(ownerFen) });
    credits.push({ staffId: sale.referrerStaffId, kind: 'referral', conversions: 0, revenueFen: referrerFen, points: points(referrerFen) });
  } else {
    credits.push({ staffId: owner, kind: 'sale', conversions: 1, revenueFen: sale.revenueFen, points: points(sale.revenueFen) });
  }
  if (sale.shadow) {
    credits.push({ staffId: sale.shadow.centreManagerId, kind: 'shadow', conversions: 1, revenueFen: sale.revenueFen, points: points(sale.revenueFen) });
  }
  return credits;
}
