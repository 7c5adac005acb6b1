import { creditsFor, DEFAULT_SCORING } from './scoring';

const sale = { revenueFen: 100_000, weight: 1.5, sellerStaffId: 'teller', referrerStaffId: null, managerId: null, shadow: null };

describe('scorecard credit', () => {
  it('credits a full sale to the seller with revenue × product weight', () => {
    // 1,000.00 CNY × 1.5 = 1,500 points
    expect(creditsFor(sale)).toEqual([{ staffId: 'teller', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500, pointsHundredths: 150_000 }]);
  });

  it('credits the assigned manager, whoever made the sale', () => {
    expect(creditsFor({ ...sale, managerId: 'rm1' })).toEqual([{ staffId: 'rm1', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500, pointsHundredths: 150_000 }]);
  });

  it('splits a referral sale 50/50 between referrer and seller by default', () => {
    expect(creditsFor({ ...sale, referrerStaffId: 'ref' })).toEqual([
      { staffId: 'teller', kind: 'sale', conversions: 1, revenueFen: 50_000, points: 750, pointsHundredths: 75_000 },
      { staffId: 'ref', kind: 'referral', conversions: 0, revenueFen: 50_000, points: 750, pointsHundredths: 75_000 },
    ]);
  });

  it('uses another split when the rules say so', () => {
    const credits = creditsFor({ ...sale, referrerStaffId: 'ref' }, { ...DEFAULT_SCORING, referralShare: 0.3 });
    expect(credits.map((c) => [c.staffId, c.revenueFen, c.points])).toEqual([
      ['teller', 70_000, 1050],
      ['ref', 30_000, 450],
    ]);
  });

  it('keeps the credit with the referring manager and shadows it for the wealth centre', () => {
    expect(creditsFor({ ...sale, managerId: 'wc-rm', shadow: { referringManagerId: 'rm1', centreManagerId: 'wc-rm' } })).toEqual([
      { staffId: 'rm1', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500, pointsHundredths: 150_000 },
      { staffId: 'wc-rm', kind: 'shadow', conversions: 1, revenueFen: 100_000, points: 1500, pointsHundredths: 150_000 },
    ]);
  });

  it('does not split a sale the owner referred to themselves', () => {
    expect(creditsFor({ ...sale, managerId: 'rm1', referrerStaffId: 'rm1' })).toHaveLength(1);
  });
});

describe('scorecard points are exact', () => {
  it('rounds half up to the hundredth of a point: 0.35 CNY × 1.5 = 0.525 → 0.53', () => {
    expect(creditsFor({ ...sale, revenueFen: 35 }).map((c) => [c.points, c.pointsHundredths])).toEqual([[0.53, 53]]);
  });

  it('splits a referral sale to the exact fen, half up: 0.45 CNY × 0.7 = 0.315 → 0.32 to the referrer, 0.13 to the seller', () => {
    // In binary floating point 45 × 0.7 = 31.499999999999996, which would round to 31 fen.
    const credits = creditsFor({ ...sale, revenueFen: 45, weight: 1, referrerStaffId: 'ref' }, { ...DEFAULT_SCORING, referralShare: 0.7 });
    expect(credits.map((c) => [c.staffId, c.revenueFen])).toEqual([
      ['teller', 13],
      ['ref', 32],
    ]);
  });
});
