
/**
 * How small a rise in conversion a campaign can prove, given its treatment and control sizes:
 * the minimum detectable lift of a two-sided test of two proportions. It is the sample-size
 * formula for comparing two proportions (Chow, Shao & Wang, "Sample Size Calculations in
 * Clinical Research", 2nd ed. 2008, §4.2, test for equality, unpooled variances):
 *
 *   (p2 − p1) = (z(1−α/2) + z(power)) · √(p1(1−p1)/nControl + p2(1−p2)/nTreatment)
 *
 * solved for p2 instead of n, with p1 the baseline (control) rate.
 */
export interface DetectableLift {
  /** Treatment rate minus baseline rate (absolute, a share: 0.012 is 1.2 percentage points). */
  readonly absolute: number;
  /** `absolute` over the baseline (0.25: a quarter more conversions than the control's). */
  readonly relative: number | null;
  /** The treatment conversion rate the campaign would have to reach. */
  readonly treatmentRate: number;
}

export interface DetectableLiftInput {
  readonly baselineRate: number;
  readonly treatment: number;
  readonly control: number;
  /** Two-sided significance level (default 0.05: 95% confidence). */
  readonly alpha?: number;
  /** Probability of detecting the lift when it is there (default 0.8). */
  readonly power?: number;
}

/** Per-group sample size for the difference p2 − p1, the formula above solved for n (equal groups when `ratio` = 1: nControl = ratio · nTreatment). */
export function twoProportionSampleSize(p1: number, p2: number, alpha = 0.05, power = 0.8, ratio = 1): number {
  const z = standardNormalQuantile(1 - alpha / 2) + standardNormalQuantile(power);
  return (z * z * ((p1 * (1 - p1)) / ratio + p2 * (1 - p2))) / (p2 - p1) ** 2;
}

/**
 * The smallest lift the two groups can detect; null when a group is empty, the baseline is 0 or 1
 * (nothing varies), or not even a rise to 100% could be told from chance with groups this small.
 */
export function minimumDetectableLift(input: DetectableLiftInput): DetectableLift | null {
  const { baselineRate: p1, treatment, control } = input;
  const z = standardNormalQuantile(1 - (input.alpha ?? 0.05) / 2) + standardNormalQuantile(input.power ?? 0.8);
  if (treatment <= 0 || control <= 0 || !(p1 > 0 && p1 < 1)) return null;
  // The gap between the lift and what the groups can resolve at that lift; its first zero is the answer.
  const gap = (d: number) => d - z * Math.sqrt((p1 * (1 - p1)) / control + ((p1 + d) * (1 - p1 - d)) / treatment);
  const top = 1 - p1;
  const steps = 1000;
  let lo = 0;
  let hi = -1;
  for (let i = 1; i <= steps; i++) {
    const d = (top * i) / steps;
    if (gap(d) >= 0) {
      hi = d;
      break;
    }
    lo = d;
  }
  if (hi < 0) return null;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (gap(mid) >= 0) hi = mid;
    else lo = mid;
  }
  return { absolute: hi, relative: hi / p1, treatmentRate: p1 + hi };
}

/**
 * The standard normal quantile Φ⁻¹(p) by Acklam's rational approximation (relative error below
 * 1.2e-9), enough for z-values of confidence levels and powers.
 */
export function standardNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1, not ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
