import { tenDayChecks } from './follow-up';

// Period: 1 to 30 April 2026 in Shanghai = 2026-03-31T16:00Z to 2026-04-30T16:00Z (30 days).
const period = { start: '2026-03-31T16:00:00.000Z', end: '2026-04-30T16:00:00.000Z' };
const targets = { conversions: 30, revenue: '3000.00' };
const daily = [
  { date: '2026-04-01', contacts: 5, converted: 2, revenue: '150.00' },
  // The 10th is the first window's last bank day, the 11th the second's first.
  { date: '2026-04-10', contacts: 3, converted: 4, revenue: '500.50' },
  { date: '2026-04-11', contacts: 0, converted: 1, revenue: '10.00' },
  { date: '2026-04-25', contacts: 2, converted: 5, revenue: '900.00' },
];

describe('the every-10-days check of a running campaign (004 篇九 第三十条)', () => {
  it('checks on days 10 and 20 of the period until now, against the targets pro rata', () => {
    // Now: 2026-04-22 10:00 Shanghai; checks at the start of 11 April and of 21 April (bank days).
    const checks = tenDayChecks(period, targets, daily, '2026-04-22T02:00:00.000Z');
    expect(checks.map((c) => c.at)).toEqual(['2026-04-10T16:00:00.000Z', '2026-04-20T16:00:00.000Z']);
    // Day 10: a third of the period; expected 30 × 1/3 = 10 conversions and 1,000.00; actual 2 + 4 = 6 and 650.50.
    expect(checks[0]).toEqual({
      at: '2026-04-10T16:00:00.000Z',
      elapsed: 0.3333,
      contactedInWindow: 8,
      planCarriedOut: true,
      conversions: { actual: 6, expected: 10, onTrack: false },
      revenue: { actual: '650.50', expected: '1000.00', onTrack: false },
    });
    // Days 11–20: nobody contacted (the plan was not carried out); 7 conversions, 660.50 against 20 and 2,000.00.
    expect(checks[1]).toMatchObject({ elapsed: 0.6667, contactedInWindow: 0, planCarriedOut: false, conversions: { actual: 7, expected: 20, onTrack: false } });
  });

  it('stops at the period\'s end and has no expectation where there is no target', () => {
    const checks = tenDayChecks(period, { conversions: null, revenue: null }, daily, '2026-06-01T00:00:00.000Z');
    expect(checks).toHaveLength(3);
    expect(checks[2]).toMatchObject({ elapsed: 1, contactedInWindow: 2, conversions: { actual: 12, expected: null, onTrack: null }, revenue: { actual: '1560.50', expected: null } });
  });
});
