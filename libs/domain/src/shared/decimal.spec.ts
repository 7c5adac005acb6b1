import { fromHundredths, halfUpDivide, toScaled } from './decimal';

describe('exact decimals', () => {
  it('reads decimal strings and numbers into integer units exactly', () => {
    expect(toScaled('1.5', 4)).toBe(15000n);
    expect(toScaled(0.2, 6)).toBe(200000n);
    expect(toScaled('200', 2)).toBe(20000n);
    expect(toScaled('-0.35', 2)).toBe(-35n);
    expect(toScaled(1e-7, 8)).toBe(10n);
  });

  it('rounds extra places half up: 0.125 → 0.13, 0.124 → 0.12, -0.125 → -0.13', () => {
    expect(toScaled('0.125', 2)).toBe(13n);
    expect(toScaled('0.124', 2)).toBe(12n);
    expect(toScaled('-0.125', 2)).toBe(-13n);
  });

  it('refuses what is not a plain decimal', () => {
    expect(() => toScaled('1e5', 2)).toThrow(RangeError);
    expect(() => toScaled(Number.NaN, 2)).toThrow(RangeError);
    expect(() => toScaled('abc', 2)).toThrow(RangeError);
  });

  it('divides rounding half up, away from zero', () => {
    // 525 / 10 = 52.5 → 53; 524 / 10 = 52.4 → 52; 1 / 3 = 0.33… → 0; 2 / 3 = 0.66… → 1
    expect([halfUpDivide(525n, 10n), halfUpDivide(524n, 10n), halfUpDivide(1n, 3n), halfUpDivide(2n, 3n)]).toEqual([53n, 52n, 0n, 1n]);
    expect(halfUpDivide(-525n, 10n)).toBe(-53n);
  });

  it('shows hundredths as a number with two places', () => {
    expect(fromHundredths(53)).toBe(0.53);
    expect(fromHundredths('-35000')).toBe(-350);
  });
});
