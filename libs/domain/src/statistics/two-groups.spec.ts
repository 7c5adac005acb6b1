import { meanDifference, newcombeInterval, newcombePValue, standardNormalCdf, twoProportionPValue, wilsonInterval } from './two-groups';

const round4 = (xs: readonly number[] | null) => xs && xs.map((x) => Math.round(x * 10_000) / 10_000);

describe('treatment against control', () => {
  describe('Newcombe hybrid score interval', () => {
    // Newcombe RG (1998), Interval estimation for the difference between independent proportions:
    // comparison of eleven methods, Statistics in Medicine 17:873–890, Table II, method 10.
    it.each([
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1],
      [10, 10, 0, 10, 0.6075, 1],
    ])('gives Newcombe\'s published interval for %i/%i − %i/%i', (x1, n1, x2, n2, lower, upper) => {
      expect(round4(newcombeInterval(x1, n1, x2, n2))).toEqual([lower, upper]);
    });

    it('gives a usable interval for a group of one and a control of five that never converted', () => {
      const ci = newcombeInterval(1, 1, 0, 5)!;
      expect(ci[0]).toBeGreaterThan(0);
      expect(ci[1]).toBeLessThanOrEqual(1);
      expect(ci[1] - ci[0]).toBeGreaterThan(0.3);
    });

    it('has no interval when a group is empty', () => {
      expect(newcombeInterval(0, 0, 1, 5)).toBeNull();
    });
  });

  it('Wilson interval of 0/5 is [0, 0.4345] (z = 1.96: 3.8415 / (5 + 3.8415))', () => {
    expect(round4(wilsonInterval(0, 5))).toEqual([0, 0.4345]);
  });

  describe('p-value of the pooled z-test', () => {
    it('is 0.0080 for 56/70 against 48/80 (z = 2.6502)', () => {
      // pooled p = 104/150 = 0.69333; se = sqrt(0.69333 × 0.30667 × (1/70 + 1/80)) = 0.075467; z = 0.2 / 0.075467 = 2.6502
      expect(twoProportionPValue(56, 70, 48, 80)).toBeCloseTo(0.008045, 6);
    });

    it('is 1 when no one in either group converted, and 1 when both convert at the same rate', () => {
      expect(twoProportionPValue(0, 10, 0, 10)).toBe(1);
      expect(twoProportionPValue(3, 15, 1, 5)).toBe(1);
    });
  });

  describe('p-value from the Newcombe interval', () => {
    // n of n against 0 of n: Wilson's bounds are n/(n+z²) and z²/(n+z²), so the lower Newcombe bound
    // 1 − √2·z²/(n+z²) reaches 0 at z² = n(√2 + 1); p = 2(1 − Φ(z)) = erfc(z/√2):
    // n = 1: z = 1.553774, p = 0.120238; n = 2: z = 2.197368, p = 0.027994; n = 3: z = 2.691215, p = 0.007119.
    it.each([
      [1, 0.120238],
      [2, 0.027994],
      [3, 0.007119],
    ])('is worked out by hand for n = %i: all of n against none of n', (n, p) => {
      expect(newcombePValue(n, n, 0, n)).toBeCloseTo(p, 5);
      expect(newcombePValue(0, n, n, n)).toBeCloseTo(p, 5); // the other way round: the same
    });

    it('does not call 1 of 2 against 0 of 8 significant, as the pooled z-test does, since its interval holds 0', () => {
      expect(twoProportionPValue(1, 2, 0, 8)).toBeLessThan(0.05); // 0.035
      expect(round4(newcombeInterval(1, 2, 0, 8))![0]).toBeLessThan(0); // −0.019
      expect(newcombePValue(1, 2, 0, 8)).toBeGreaterThan(0.05);
    });

    it('is below 0.05 exactly when the 95% interval excludes 0, for every table of groups up to 12', () => {
      const disagree: string[] = [];
      for (let n1 = 1; n1 <= 12; n1++)
        for (let n2 = 1; n2 <= 12; n2++)
          for (let x1 = 0; x1 <= n1; x1++)
            for (let x2 = 0; x2 <= n2; x2++) {
              const [lo, hi] = newcombeInterval(x1, n1, x2, n2)!;
              if (newcombePValue(x1, n1, x2, n2)! < 0.05 !== (lo > 0 || hi < 0)) disagree.push(`${x1}/${n1} vs ${x2}/${n2}`);
            }
      expect(disagree).toEqual([]);
    });

    it('is 1 for equal rates and null for an empty group', () => {
      expect(newcombePValue(3, 15, 1, 5)).toBe(1);
      expect(newcombePValue(0, 0, 1, 5)).toBeNull();
    });
  });

  it('normal distribution function: Φ(1.96) = 0.9750, Φ(−1) = 0.1587, Φ(0) = 0.5', () => {
    expect(standardNormalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(standardNormalCdf(-1)).toBeCloseTo(0.158655, 5);
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 7);
  });

  describe('revenue per customer', () => {
    it('takes the difference of the means with an unequal-variance interval', () => {
      // treatment revenues 0, 0, 30, 90 → mean 30, sample variance (900 + 900 + 0 + 3600) / 3 = 1800
      // control revenues 0, 0, 0, 60 → mean 15, sample variance (225 × 3 + 2025) / 3 = 900
      // se = sqrt(1800/4 + 900/4) = sqrt(675) = 25.98; interval 15 ± 1.96 × 25.98 = [−35.9214, 65.9214]
      const r = meanDifference({ n: 4, sum: 120, sumOfSquares: 9000 }, { n: 4, sum: 60, sumOfSquares: 3600 })!;
      expect(r.difference).toBe(15);
      expect(round4(r.interval)).toEqual([-35.9214, 65.9214]);
    });

    it('has a difference but no interval while a group has one customer', () => {
      expect(meanDifference({ n: 1, sum: 50, sumOfSquares: 2500 }, { n: 5, sum: 0, sumOfSquares: 0 })).toEqual({ difference: 50, interval: null });
    });
  });
});
