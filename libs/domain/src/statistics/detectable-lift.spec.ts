import { minimumDetectableLift, standardNormalQuantile, twoProportionSampleSize } from './detectable-lift';

describe('minimum detectable lift (two proportions, 95% confidence, 80% power)', () => {
  it('uses the standard normal quantiles of the tables: z(0.975) = 1.959964, z(0.80) = 0.841621, z(0.01) = −2.326348', () => {
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(standardNormalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(standardNormalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
  });

  // Chow, Shao & Wang, "Sample Size Calculations in Clinical Research" (2nd ed., 2008), §4.2,
  // two-sample parallel design, test for equality: cure rates 65% (control agent) and 85%, a 20%
  // difference, α = 0.05 two-sided, 80% power, equal groups:
  //   n = (1.96 + 0.84)² · (0.65·0.35 + 0.85·0.15) / 0.20² = 7.84 · 0.355 / 0.04 = 69.58 → 70 per group.
  it('gives the textbook\'s 70 per group for 65% against 85% (Chow, Shao & Wang §4.2)', () => {
    const n = twoProportionSampleSize(0.65, 0.85);
    // With the exact quantiles (1.959964 + 0.841621)² = 7.848879: 7.848879 · 0.355 / 0.04 = 69.659.
    expect(n).toBeCloseTo(69.659, 2);
    expect(Math.ceil(n)).toBe(70);
  });

  it('turned round: 70 customers per group at a 65% baseline detect a lift of just under the example\'s 20 points', () => {
    const lift = minimumDetectableLift({ baselineRate: 0.65, treatment: 70, control: 70 })!;
    // 70 is a little more than the 69.66 that 20 points need, so a little less than 20 points suffices;
    // and at the answer the sample-size formula gives back exactly 70.
    expect(lift.absolute).toBeLessThan(0.2);
    expect(lift.absolute).toBeGreaterThan(0.195);
    expect(twoProportionSampleSize(0.65, lift.treatmentRate)).toBeCloseTo(70, 6);
    expect(lift.relative).toBeCloseTo(lift.absolute / 0.65, 12);
  });

  it('falls as the control group grows: 900 treatment / 100 control cannot see what 500 / 500 can', () => {
    // Baseline 5%: with 500/500 the variance term is 0.0475/500 + p2q2/500; with 900/100 it is
    // dominated by 0.0475/100 = 0.000475, five times the 500-group's 0.000095, so the lift is larger.
    const lopsided = minimumDetectableLift({ baselineRate: 0.05, treatment: 900, control: 100 })!;
    const even = minimumDetectableLift({ baselineRate: 0.05, treatment: 500, control: 500 })!;
    expect(even.absolute).toBeLessThan(lopsided.absolute);
    // Each is where the formula, solved for n with that allocation, gives back the groups' sizes.
    expect(twoProportionSampleSize(0.05, even.treatmentRate)).toBeCloseTo(500, 6);
    expect(twoProportionSampleSize(0.05, lopsided.treatmentRate, 0.05, 0.8, 100 / 900)).toBeCloseTo(900, 6);
  });

  it('has no answer for an empty group, a baseline of 0 or 1, or groups too small to tell even 100% from chance', () => {
    expect(minimumDetectableLift({ baselineRate: 0.05, treatment: 100, control: 0 })).toBeNull();
    expect(minimumDetectableLift({ baselineRate: 0, treatment: 100, control: 100 })).toBeNull();
    expect(minimumDetectableLift({ baselineRate: 1, treatment: 100, control: 100 })).toBeNull();
    // One customer each at 50%: reaching 100% needs 2.8016 · √(0.25/1 + 0) = 1.40 > 0.5.
    expect(minimumDetectableLift({ baselineRate: 0.5, treatment: 1, control: 1 })).toBeNull();
  });
});
