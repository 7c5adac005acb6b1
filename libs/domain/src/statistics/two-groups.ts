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
 * excludes 0, found by bisection on z (each bound moves away from the difference as z grows). So,
 * unrounded, `p < 0.05` exactly when the 95% interval excludes 0; to six decimals (as Φ's accuracy
 * allows) a p within 5e-7 of 0.05 reads 0.05 on either side: `newcombeLift` reports it beside the
 * interval's verdict. 1 when the rates are equal; null when a group is empty.
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

/**
 * The lift of treatment (x1 of n1) over control (x2 of n2) by LIFT_METHOD: the Newcombe 95% interval, its
 * p-value (six decimals) and whether the difference is significant at 95%: decided by the interval excluding 0,
 * never by the rounded p (a p of 0.0499999 reads 0.05 to six decimals, and Φ's own error is 1.5e-7 there). The
 * p shown agrees with the verdict: 0.049999 at most when significant, 0.05 at least when not, so a reader never
 * sees p = 0.05 beside "significant". Null when a group is empty.
 */
export function newcombeLift(x1: number, n1: number, x2: number, n2: number): { interval: [number, number]; pValue: number; significant: boolean } | null {
  const interval = newcombeInterval(x1, n1, x2, n2);
  if (!interval) return null;
  const significant = interval[0] > 0 || interval[1] < 0;
  const p = newcombePValue(x1, n1, x2, n2)!;
  return { interval, pValue: significant ? Math.min(p, 0.049999) : Math.max(p, 0.05), significant };
}

/**
 * A group's per-customer values summarised: how many customers, how many of them bought (at least
 * one sale, whatever its revenue), the sum and the sum of squares (customers without a sale count 0).
 */
export interface GroupSums {
  readonly n: number;
  readonly converted: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

export const REVENUE_DIFFERENCE_METHOD =
  "difference of mean revenue per customer: Welch's unequal-variance t interval with Welch-Satterthwaite degrees of freedom (Welch 1947); each group's variance is at least the binomial part p(1-p)m^2 of the variance of revenue per customer, with p its Agresti-Coull-adjusted conversion rate (x + 2)/(n + 4) (Agresti and Coull 1998) and m the mean revenue per buying customer of both groups, so a rate of 0% or 100% or equal amounts never give a zero-width interval; a group of one customer has only that floor and counts one degree of freedom; no interval while nobody in either group bought, or the buyers brought no revenue (no amount gives the interval a scale)";

/**
 * Difference of the means (treatment − control) with its 95% interval, by REVENUE_DIFFERENCE_METHOD.
 *
 * Why the floor: a customer's revenue is B × R (B: bought or not, R: what a buyer spent), whose
 * variance p·Var(R) + p(1 − p)·E[R]² is never below p(1 − p)·E[R]². With p taken as Agresti and
 * Coull's (x + 2)/(n + 4) — the adjustment that keeps a proportion's interval honest at 0% and
 * 100% — that part stays positive when no one, or everyone, in a group bought, or everyone
 * bought the same amount, where the sample variance is 0. A group of one has no sample variance
 * at all: its floor stands in for it, with the fewest degrees of freedom Welch allows (one), so the
 * interval is as wide as one customer deserves. Null when a group is empty; an interval of null
 * while no one in either group bought, or the buyers brought no revenue: no amount scales an interval.
 */
export function meanDifference(a: GroupSums, b: GroupSums): { difference: number; interval: [number, number] | null } | null {
  if (a.n === 0 || b.n === 0) return null;
  const difference = a.sum / a.n - b.sum / b.n;
  const buyers = a.converted + b.converted;
  if (buyers === 0) return { difference, interval: null };
  const perBuyer = (a.sum + b.sum) / buyers;
  // Buyers whose sales brought no revenue (a product without a fee): no amount to scale by either.
  if (!(perBuyer > 0)) return { difference, interval: null };
  const variance = (g: GroupSums) => {
    const adjusted = (g.converted + 2) / (g.n + 4);
    const floor = adjusted * (1 - adjusted) * perBuyer * perBuyer;
    if (g.n < 2) return floor;
    return Math.max(floor, (g.sumOfSquares - (g.sum * g.sum) / g.n) / (g.n - 1));
  };
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / Math.max(1, a.n - 1) + vb ** 2 / Math.max(1, b.n - 1));
  const t = studentTQuantile(0.975, df);
  return { difference, interval: [difference - t * se, difference + t * se] };
}

/** The q-quantile (q > 0.5) of Student's t distribution with `df` (> 0, not necessarily whole) degrees of freedom, by bisection on its distribution function. */
export function studentTQuantile(q: number, df: number): number {
  // 1 − F(t) = I_{df/(df+t²)}(df/2, 1/2) / 2 for t ≥ 0.
  const upperTail = (t: number) => regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
  let lo = 0;
  let hi = 1;
  while (upperTail(hi) > 1 - q) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(mid) > 1 - q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** I_x(a, b), the regularized incomplete beta function (continued fraction by the modified Lentz method; Numerical Recipes 6.4). */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1)/(a + b + 2); otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients; relative error below 1e-15). */
function logGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = g[0]!;
  for (let i = 1; i < 9; i++) sum += g[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Φ(x), the standard normal distribution function (Abramowitz and Stegun 7.1.26 on erf; error below 1.5e-7). */
export function standardNormalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
