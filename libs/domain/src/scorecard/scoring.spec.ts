import { creditsFor, DEFAULT_SCORING } from './scoring';

const sale = { revenueFen: 100_000, weight: 1.5, sellerStaffId: 'teller', referrerStaffId: null, managerId: null, shadow: null };

describe('scorecard credit', () => {
  it('credits a full sale to the seller with revenue × product weight', () => {
    // 1,000.00 CNY × 1.5 = 1,500 points
    expect(creditsFor(sale)).toEqual([{ staffId: 'teller', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500 }]);
  });

  it('credits the assigned manager, whoever made the sale', () => {
    expect(creditsFor({ ...sale, managerId: 'rm1' })).toEqual([{ staffId: 'rm1', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500 }]);
  });

  it('splits a referral sale 50/50 between referrer and seller by default', () => {
    expect(creditsFor({ ...sale, referrerStaffId: 'ref' })).toEqual([
      { staffId: 'teller', kind: 'sale', conversions: 1, revenueFen: 50_000, points: 750 },
      { staffId: 'ref', kind: 'referral', conversions: 0, revenueFen: 50_000, points: 750 },
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
      { staffId: 'rm1', kind: 'sale', conversions: 1, revenueFen: 100_000, points: 1500 },
      { staffId: 'wc-rm', kind: 'shadow', conversions: 1, revenueFen: 100_000, points: 1500 },
    ]);
  });

  it('does not split a sale the owner referred to themselves', () => {
    expect(creditsFor({ ...sale, managerId: 'rm1', referrerStaffId: 'rm1' })).toHaveLength(1);
  });
});
