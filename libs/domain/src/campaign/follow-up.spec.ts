import { useBankTimeZone } from '../shared/calendar';
import { tenDayChecks, type ReactionFacts } from './follow-up';

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

describe('the check of each 旬 of a running campaign (004 存款营销活动方案 三: 每旬…进行效果评价)', () => {
  it('given a campaign running through April, when asked on 22 April, then it checks the 上旬 and 中旬 against the targets pro rata, and the 下旬 so far', () => {
    // Now: 2026-04-22 10:00 Shanghai; checks at the start of 11 April and of 21 April (bank days), then 21–22 April so far.
    const checks = tenDayChecks(period, targets, daily, '2026-04-22T02:00:00.000Z');
    expect(checks.map((c) => [c.month, c.dekad, c.at, c.inProgress])).toEqual([
      ['2026-04', 1, '2026-04-10T16:00:00.000Z', false],
      ['2026-04', 2, '2026-04-20T16:00:00.000Z', false],
      ['2026-04', 3, '2026-04-22T02:00:00.000Z', true],
    ]);
    // Day 10: a third of the period; expected 30 × 1/3 = 10 conversions and 1,000.00; actual 2 + 4 = 6 and 650.50.
    expect(checks[0]).toMatchObject({
      from: '2026-03-31T16:00:00.000Z',
      to: '2026-04-10T16:00:00.000Z',
      firstDay: '2026-04-01',
      lastDay: '2026-04-10',
      elapsed: 0.3333,
      contactedInWindow: 8,
      planCarriedOut: true,
      conversions: { actual: 6, expected: 10, onTrack: false },
      revenue: { actual: '650.50', expected: '1000.00', onTrack: false },
    });
    // Days 11–20: nobody contacted (the plan was not carried out); 7 conversions, 660.50 against 20 and 2,000.00.
    expect(checks[1]).toMatchObject({ elapsed: 0.6667, contactedInWindow: 0, planCarriedOut: false, conversions: { actual: 7, expected: 20, onTrack: false } });
    // 1 April 00:00 to 22 April 10:00 is 514 h of 720: elapsed 0.7139 (the 下旬 judged so far, up to the 22nd).
    expect(checks[2]).toMatchObject({ to: '2026-04-30T16:00:00.000Z', firstDay: '2026-04-21', lastDay: '2026-04-22', elapsed: 0.7139, contactedInWindow: 0 });
  });

  it("given a period over, then it stops at the period's end and has no expectation where there is no target", () => {
    const checks = tenDayChecks(period, { conversions: null, revenue: null }, daily, '2026-06-01T00:00:00.000Z');
    expect(checks).toHaveLength(3);
    expect(checks[2]).toMatchObject({ at: '2026-04-30T16:00:00.000Z', inProgress: false, elapsed: 1, contactedInWindow: 2, conversions: { actual: 12, expected: null, onTrack: null }, revenue: { actual: '1560.50', expected: null } });
  });

  it('given a period from 5 January to 15 February, then the windows are the 旬 of the calendar inside it: 5–10, 11–20, 21–31 January, 1–10 and 11–15 February', () => {
    // 5 January 00:00 Beijing = 4 January 16:00Z; the end, 16 February 00:00 Beijing = 15 February 16:00Z.
    const checks = tenDayChecks({ start: '2026-01-04T16:00:00.000Z', end: '2026-02-15T16:00:00.000Z' }, { conversions: null, revenue: null }, [], '2026-03-01T00:00:00.000Z');
    expect(checks.map((c) => [c.month, c.dekad, c.firstDay, c.lastDay, c.at])).toEqual([
      ['2026-01', 1, '2026-01-05', '2026-01-10', '2026-01-10T16:00:00.000Z'],
      ['2026-01', 2, '2026-01-11', '2026-01-20', '2026-01-20T16:00:00.000Z'],
      ['2026-01', 3, '2026-01-21', '2026-01-31', '2026-01-31T16:00:00.000Z'],
      ['2026-02', 1, '2026-02-01', '2026-02-10', '2026-02-10T16:00:00.000Z'],
      ['2026-02', 2, '2026-02-11', '2026-02-15', '2026-02-15T16:00:00.000Z'],
    ]);
  });

  it('given a bank in London, then the 下旬 of March 2026 ends at its own midnight after the clocks went forward (10 days and 23 hours)', () => {
    useBankTimeZone('Europe/London');
    try {
      // March 2026 in London: 1 March 00:00 GMT to 1 April 00:00 BST (31 March 23:00Z); summer time from 29 March.
      const checks = tenDayChecks({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-31T23:00:00.000Z' }, { conversions: null, revenue: null }, [], '2026-05-01T00:00:00.000Z', {
        // 23:30 BST on 31 March (22:30Z): the 下旬's last half hour; 00:30 BST on 1 April (23:30Z, still the 31st in UTC): April's, outside.
        feedback: [{ at: '2026-03-31T22:30:00.000Z', rating: 4 }, { at: '2026-03-31T23:30:00.000Z', rating: 1 }],
        complaints: [],
        contacts: [],
      });
      expect(checks.map((c) => [c.from, c.to, c.lastDay, c.reaction.feedback, c.reaction.averageRating])).toEqual([
        ['2026-03-01T00:00:00.000Z', '2026-03-11T00:00:00.000Z', '2026-03-10', 0, null],
        ['2026-03-11T00:00:00.000Z', '2026-03-21T00:00:00.000Z', '2026-03-20', 0, null],
        ['2026-03-21T00:00:00.000Z', '2026-03-31T23:00:00.000Z', '2026-03-31', 1, 4],
      ]);
    } finally {
      useBankTimeZone('Asia/Shanghai');
    }
  });

  describe("the customers' reaction in each window", () => {
    const facts: ReactionFacts = {
      feedback: [
        // 1 April 00:30 Beijing (31 March 16:30Z: a UTC slice would put it in March): 上旬, rated 4.
        { at: '2026-03-31T16:30:00.000Z', rating: 4 },
        // 3 April: 上旬, a comment without a rating.
        { at: '2026-04-03T02:00:00.000Z', rating: null },
        // 10 April 23:30 Beijing (15:30Z), the 上旬's last half hour: rated 5.
        { at: '2026-04-10T15:30:00.000Z', rating: 5 },
        // 11 April 00:30 Beijing (10 April 16:30Z — still the 10th in UTC): 中旬, rated 2.
        { at: '2026-04-10T16:30:00.000Z', rating: 2 },
        // 20 April 23:30 Beijing: 中旬, rated 3.
        { at: '2026-04-20T15:30:00.000Z', rating: 3 },
      ],
      complaints: [
        // A complains twice in the 中旬, B once at 00:30 on 21 April Beijing (下旬).
        { at: '2026-04-12T03:00:00.000Z', customerId: 'A' },
        { at: '2026-04-15T09:00:00.000Z', customerId: 'A' },
        { at: '2026-04-20T16:30:00.000Z', customerId: 'B' },
      ],
      contacts: [
        // 上旬: A twice, B once — 2 customers.
        { at: '2026-04-02T02:00:00.000Z', customerId: 'A' },
        { at: '2026-04-03T02:00:00.000Z', customerId: 'B' },
        { at: '2026-04-05T02:00:00.000Z', customerId: 'A' },
        // 中旬: A at 00:30 on 11 April Beijing — 1 customer.
        { at: '2026-04-10T16:30:00.000Z', customerId: 'A' },
        // 下旬: B at midnight opening 21 April Beijing, C on the 25th — 2 customers.
        { at: '2026-04-20T16:00:00.000Z', customerId: 'B' },
        { at: '2026-04-25T02:00:00.000Z', customerId: 'C' },
      ],
    };

    it('given feedback at 23:30 and 00:30 Beijing around the 10th/11th boundary and a customer who complains twice, then each window counts its own bank days', () => {
      const checks = tenDayChecks(period, targets, daily, '2026-06-01T00:00:00.000Z', facts);
      expect(checks.map((c) => c.reaction)).toEqual([
        // 上旬: 3 lines, ratings 4 and 5 → 4.5; no complaint among 2 customers contacted → 0.
        { feedback: 3, averageRating: 4.5, complaints: 0, customersContacted: 2, complaintRate: 0 },
        // 中旬: ratings 2 and 3 → 2.5; A's 2 complaints over the 1 customer contacted → 2.
        { feedback: 2, averageRating: 2.5, complaints: 2, customersContacted: 1, complaintRate: 2 },
        // 下旬: no feedback → rating null, not 0; B's complaint over B and C → 0.5.
        { feedback: 0, averageRating: null, complaints: 1, customersContacted: 2, complaintRate: 0.5 },
      ]);
    });

    it('given the 中旬 still running on 15 April 12:00 Beijing, then it shows the reaction so far', () => {
      const checks = tenDayChecks(period, targets, daily, '2026-04-15T04:00:00.000Z', facts);
      expect(checks.map((c) => [c.dekad, c.inProgress, c.reaction])).toEqual([
        [1, false, { feedback: 3, averageRating: 4.5, complaints: 0, customersContacted: 2, complaintRate: 0 }],
        // 11–15 April: the 00:30 feedback rated 2; both of A's complaints (the 15th is today); A contacted.
        [2, true, { feedback: 1, averageRating: 2, complaints: 2, customersContacted: 1, complaintRate: 2 }],
      ]);
    });

    it('given a window with complaints but nobody contacted in it, then its complaint rate is null, not a division by zero', () => {
      const checks = tenDayChecks(period, targets, daily, '2026-06-01T00:00:00.000Z', { feedback: [], complaints: [{ at: '2026-04-25T02:00:00.000Z', customerId: 'A' }], contacts: [] });
      expect(checks[2]!.reaction).toEqual({ feedback: 0, averageRating: null, complaints: 1, customersContacted: 0, complaintRate: null });
    });
  });
});
