import { meanDifference, newcombeInterval, newcombeLift, newcombePValue, standardNormalCdf, studentTQuantile, twoProportionPValue, wilsonInterval } from './two-groups';

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
      // z² = 3.841459. Wilson 1/1 = [1/(1 + z²), 1] = [0.206549, 1]; 0/5 = [0, z²/(5 + z²)] = [0, 0.434482].
      // Lower 1 − √(0.793451² + 0.434482²) = 0.095379; upper 1 + √(0² + 0²) = 1.
      expect(round4(newcombeInterval(1, 1, 0, 5))).toEqual([0.0954, 1]);
      // The lower bound reaches 0 at z = 2.368818 (solved by hand for 1 = √((z²/(1+z²))² + (z²/(5+z²))²)): p = 2(1 − Φ(z)) = 0.017845.
      expect(newcombePValue(1, 1, 0, 5)).toBeCloseTo(0.017845, 5);
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

    describe('significance at the edge, where the p-value to six decimals reads 0.05', () => {
      // z = 1.959963984540054, z² = 3.841458820694125. Wilson's lower bound of n of n is n/(n + z²); the upper one of x of n
      // is (p + z²/2n + z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n). Worked to 30 digits apart from the code (mpmath).
      it('calls all of 6 against 169 of 279 significant: the interval starts above 0, p = 0.04999991', () => {
        // Wilson 6/6: lower 6/9.841459 = 0.6096657121. Wilson 169/279 (p = 0.6057347670): upper 0.6612692171.
        // Newcombe lower = (1 − 0.6057347670) − √(0.3903342879² + 0.0555344500²) = +1.807e-7, above 0.
        // The lower bound reaches 0 at z = 1.9599647243: p = erfc(z/√2) = 0.0499999135, below 0.05, which six decimals round to 0.05.
        const lift = newcombeLift(6, 6, 169, 279)!;
        expect(lift.interval[0]).toBeGreaterThan(0);
        expect(lift.interval[0]).toBeLessThan(1e-6);
        // Shown beside the verdict as the largest six-decimal p below 0.05, never 0.05 beside "significant".
        expect(lift.pValue).toBe(0.049999);
        expect(newcombePValue(6, 6, 169, 279)).toBe(0.05);
        expect(lift.significant).toBe(true);
        // The other way round: the interval ends below 0, as significant.
        expect(newcombeLift(169, 279, 6, 6)!.significant).toBe(true);
      });

      it('does not call 1 of 1 against 52 of 254 significant: the interval starts below 0, p = 0.05000006', () => {
        // Wilson 1/1: lower 1/4.841459 = 0.2065493144. Wilson 52/254 (p = 0.2047244094): upper 0.2585706960.
        // Newcombe lower = (1 − 0.2047244094) − √(0.7934506856² + 0.0538462866²) = −9.32e-8, below 0.
        // The lower bound reaches 0 at z = 1.9599634328: p = 0.0500000645, above 0.05.
        const lift = newcombeLift(1, 1, 52, 254)!;
        expect(lift.interval[0]).toBeLessThan(0);
        expect(lift.pValue).toBe(0.05);
        expect(lift.significant).toBe(false);
      });

      it('has no lift when a group is empty', () => {
        expect(newcombeLift(0, 0, 1, 5)).toBeNull();
      });
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

  describe('revenue per customer (Welch t with a floor from the Agresti–Coull-adjusted conversion rate)', () => {
    it.each([
      // Student's t table, 0.975 quantile.
      [1, 12.7062],
      [2, 4.3027],
      [6, 2.4469],
      [30, 2.0423],
      [1e6, 1.96],
    ])('t quantile: 0.975 at %p degrees of freedom is %p (tables)', (df, t) => {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 4);
    });

    it('takes the difference of the means with a Welch interval when the sample variances exceed the floor', () => {
      // treatment revenues 0, 0, 30, 90 → mean 30, sample variance (900 + 900 + 0 + 3600) / 3 = 1800
      // control revenues 0, 0, 0, 60 → mean 15, sample variance (225 × 3 + 2025) / 3 = 900
      // floors: m = 180 / 3 buyers = 60; treatment (4/8)(4/8) × 3600 = 900 < 1800, control (3/8)(5/8) × 3600 = 843.75 < 900
      // va = 1800/4 = 450, vb = 900/4 = 225; se = sqrt(675) = 25.9808; df = 675² / (450²/3 + 225²/3) = 5.4
      // t(0.975, 5.4) = 2.5144 (between 2.5706 at 5 and 2.4469 at 6); 15 ± 2.5144 × 25.9808 = [−50.3248, 80.3248]
      const r = meanDifference({ n: 4, converted: 2, sum: 120, sumOfSquares: 9000 }, { n: 4, converted: 1, sum: 60, sumOfSquares: 3600 })!;
      expect(r.difference).toBe(15);
      expect(round4(r.interval)).toEqual([-50.3248, 80.3248]);
    });

    it('gives an interval, and a wide one, for a control group of one (K-WOMEN: 5 treatment, 1 control)', () => {
      // Treatment (fen): one customer with two sales 300.00 + 200.00 = 50000, one with 10000, three with none:
      // sum 60000, squares 50000² + 10000² = 2.6e9; sample variance (2.6e9 − 60000²/5) / 4 = 4.7e8.
      // Control: one customer, no sale. m = 60000 / 2 buyers = 30000.
      // Treatment floor (4/9)(5/9) × 30000² = 2.222e8 < 4.7e8: va = 4.7e8 / 5 = 9.4e7.
      // Control: one customer, only the floor (2/5)(3/5) × 30000² = 2.16e8: vb = 2.16e8.
      // se = sqrt(3.1e8) = 17606.82; df = 3.1e8² / ((9.4e7)²/4 + (2.16e8)²/1) = 1.9666 (one for the group of one);
      // t(0.975, 1.9666) = 4.3734 (just above 4.3027 at 2); 12000 ± 4.3734 × 17606.82 = [−65000.78, 89000.78].
      const r = meanDifference({ n: 5, converted: 2, sum: 60_000, sumOfSquares: 2.6e9 }, { n: 1, converted: 0, sum: 0, sumOfSquares: 0 })!;
      expect(r.difference).toBe(12_000);
      expect(r.interval![0]).toBeCloseTo(-65_000.78, 1);
      expect(r.interval![1]).toBeCloseTo(89_000.78, 1);
    });

    it('gives an interval of non-zero width at 100% against 0%, everyone buying the same amount (sample variances 0)', () => {
      // Treatment: 4 of 4 bought 100.00 (10000 fen) each; control: 0 of 4. m = 40000 / 4 = 10000.
      // Floors: treatment (6/8)(2/8) × 10000² = 1.875e7, control (2/8)(6/8) × 10000² = 1.875e7; va = vb = 4.6875e6.
      // se = sqrt(9.375e6) = 3061.862; df = (9.375e6)² / (2 × (4.6875e6)² / 3) = 6; t(0.975, 6) = 2.446912 (tables);
      // 10000 ± 2.446912 × 3061.862 = [2507.89, 17492.11].
      const r = meanDifference({ n: 4, converted: 4, sum: 40_000, sumOfSquares: 4e8 }, { n: 4, converted: 0, sum: 0, sumOfSquares: 0 })!;
      expect(r.difference).toBe(10_000);
      expect(r.interval![0]).toBeCloseTo(2507.89, 1);
      expect(r.interval![1]).toBeCloseTo(17_492.11, 1);
    });

    it('gives an interval for two groups of one', () => {
      // Treatment: one customer, 10000; control: one, nothing. m = 10000. Floors (3/5)(2/5) × 1e8 = (2/5)(3/5) × 1e8 = 2.4e7.
      // se = sqrt(4.8e7) = 6928.203; df = (4.8e7)² / ((2.4e7)² + (2.4e7)²) = 2; t(0.975, 2) = 4.302653 (tables);
      // 10000 ± 4.302653 × 6928.203 = [−19809.65, 39809.65].
      const r = meanDifference({ n: 1, converted: 1, sum: 10_000, sumOfSquares: 1e8 }, { n: 1, converted: 0, sum: 0, sumOfSquares: 0 })!;
      expect(r.interval![0]).toBeCloseTo(-19_809.65, 1);
      expect(r.interval![1]).toBeCloseTo(39_809.65, 1);
    });

    it('gives the difference but no interval while nobody in either group bought, and nothing for an empty group', () => {
      expect(meanDifference({ n: 5, converted: 0, sum: 0, sumOfSquares: 0 }, { n: 1, converted: 0, sum: 0, sumOfSquares: 0 })).toEqual({ difference: 0, interval: null });
      expect(meanDifference({ n: 5, converted: 1, sum: 100, sumOfSquares: 10_000 }, { n: 0, converted: 0, sum: 0, sumOfSquares: 0 })).toBeNull();
    });

    it('gives no interval when the buyers brought no revenue (a sale of a product without a fee), not a zero-width one', () => {
      // 2 of 5 and 1 of 4 bought, all for 0 yuan: the difference is 0 and nothing scales an interval.
      expect(meanDifference({ n: 5, converted: 2, sum: 0, sumOfSquares: 0 }, { n: 4, converted: 1, sum: 0, sumOfSquares: 0 })).toEqual({ difference: 0, interval: null });
    });
  });
});
