/**
 * Comparing a campaign's treatment group with its control group: the difference of two
 * conversion rates with an interval that behaves at 0%, 100% and in small groups, a p-value, and
 * the difference in revenue per customer. Pure arithmetic; the read side feeds it counts.
 */

/** 95% two-sided standard normal quantile. */
export const Z95 = 1.959963984540054;

export const LIFT_METHOD =
  'difference of two proportions: Newcombe hybrid score interval (Newcombe 1998, method 10); two-sided p-value by inverting that interval (the largest confidence level whose interval still holds 0), so significant at 95% exactly when the 95% interval excludes 0';

/** Wilson's score interval for one proportion x/n (n > 0). */
export function wilsonInterval(x: number, n: number, z = Z95): [number, number] {
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  return [Math.max(0, (centre - half) / scale), Math.min(1, (centre + half) / scale)];
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (method 10 of his 1998 comparison of eleven
 * methods): built from each group's Wilson interval, so it never has zero width and keeps its
 * coverage for small groups, unlike the Wald interval. Null when a group is empty.
 */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): [number, number] | null {
  if (n1 === 0 || n2 === 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, z);
  const [l2, u2] = wilsonInterval(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/**
 * Two-sided p-value of the pooled z-test that both groups convert at the same rate (1 when nobody or
 * everybody converted). Kept for comparison: it can call a difference significant whose Newcombe
 * interval holds 0 (1 of 2 against 0 of 8: p = 0.035, interval −0.019 to 0.905), so the effectiveness
 * answer uses `newcombePValue` instead.
 */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  // Six decimals: Φ below is accurate to 1.5e-7, so more would be noise.
  return Math.round(2 * (1 - standardNormalCdf(Math.abs(x1 / n1 - x2 / n2) / se)) * 1e6) / 1e6;
}

/**
 * The p-value that goes with the Newcombe interval: the smallest α at which the (1 − α) interval
 * excludes 0, found by bisection on z (each bound moves away from the difference as z grows). So
 * `p < 0.05` exactly when the 95% interval excludes 0, and the two never tell a reader different
 * things. 1 when the rates are equal; null when a group is empty. Six decimals, as Φ allows.
 */
export function newcombePValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const d = x1 / n1 - x2 / n2;
  if (d === 0) return 1;
  // The bound nearer 0: the lower one for a positive difference, the upper one for a negative.
  const nearer = (z: number) => {
    const [lo, hi] = newcombeInterval(x1, n1, x2, n2, z)!;
    return d > 0 ? lo : -hi;
  };
  let inside = 0; // at z = 0 the interval is the point d: 0 is outside it
  let holds = 1;
  while (nearer(holds) > 0) holds *= 2; // widen until the interval holds 0 (it tends to [−1, 1])
  for (let i = 0; i < 100 && holds - inside > 1e-12; i++) {
    const mid = (inside + holds) / 2;
    if (nearer(mid) > 0) inside = mid;
    else holds = mid;
  }
  return Math.round(2 * (1 - standardNormalCdf(holds)) * 1e6) / 1e6;
}

/** A group's per-customer values summarised: how many customers, the sum and the sum of squares (customers without a sale count 0). */
export interface GroupSums {
  readonly n: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

/**
 * Difference of the means (treatment − control) with its large-sample 95% interval (unequal
 * variances). The interval is null while a group has fewer than two customers.
 */
export function meanDifference(a: GroupSums, b: GroupSums, z = Z95): { difference: number; interval: [number, number] | null } | null {
  if (a.n === 0 || b.n === 0) return null;
  const difference = a.sum / a.n - b.sum / b.n;
  if (a.n < 2 || b.n < 2) return { difference, interval: null };
  const variance = (g: GroupSums) => Math.max(0, (g.sumOfSquares - (g.sum * g.sum) / g.n) / (g.n - 1));
  const se = Math.sqrt(variance(a) / a.n + variance(b) / b.n);
  return { difference, interval: [difference - z * se, difference + z * se] };
}

/** Φ(x), the standard normal distribution function (Abramowitz and Stegun 7.1.26 on erf; error below 1.5e-7). */
export function standardNormalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
