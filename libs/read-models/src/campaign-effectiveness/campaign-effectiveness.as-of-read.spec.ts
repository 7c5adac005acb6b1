import { bankMonthOf, monthsReadFor } from './campaign-effectiveness.query';

describe('the month read of an as-of answer', () => {
  it('cuts bank months by the calendar, across a year end and a short February', () => {
    expect(bankMonthOf('2026-12-15')).toEqual({ first: '2026-12-01', next: '2027-01-01' });
    expect(bankMonthOf('2026-12-31')).toEqual({ first: '2026-12-01', next: '2027-01-01' });
    expect(bankMonthOf('2027-01-01')).toEqual({ first: '2027-01-01', next: '2027-02-01' });
    expect(bankMonthOf('2027-02-28')).toEqual({ first: '2027-02-01', next: '2027-03-01' });
  });

  it('given a campaign from 3 March 2026 to 10 March 2027, when read as of 15 August, then the months before and the days up to it', () => {
    // Days of August up to the 15th: 15; after it: 31 − 15 = 16. Months before August: March to July, 5;
    // after: the now counters (1) + September to March (7) + August itself (1, read whole when its days are read up to D) = 9.
    expect(monthsReadFor('2026-08-15', '2026-03-03', '2027-03-10')).toEqual({ months: 'before', days: 'upTo' });
  });

  it('given the same campaign, when read as of 20 January 2027, then the now counters less the months after and the days after', () => {
    // Days up to the 20th: 20; after: 31 − 20 = 11 (fewer). Months before: March 2026 to December, 10, + January = 11;
    // after: 1 + February and March = 3.
    expect(monthsReadFor('2027-01-20', '2026-03-03', '2027-03-10')).toEqual({ months: 'after', days: 'after' });
  });

  it('given the same campaign, when read in its last month, then only the days of that month within the series count', () => {
    // 5 March 2027: days up to it 5; after it within the series (to 10 March) 5: not fewer, so up to it. Months before: 12;
    // after: 1 + 0 + March itself (1) = 2.
    expect(monthsReadFor('2027-03-05', '2026-03-03', '2027-03-10')).toEqual({ months: 'after', days: 'upTo' });
  });

  it('given a campaign of seven weeks, when read as of its 15 March, then the days up to it as before the month counters', () => {
    // Days of March in the series up to the 15th: 15 − 2 + 1 = 14; after: 16. Months before March: 0; after: 1 + 1 + 1 = 3.
    expect(monthsReadFor('2026-03-15', '2026-03-02', '2026-04-20')).toEqual({ months: 'before', days: 'upTo' });
  });

  it('given no daily series yet, or no now counters, then never the now counters', () => {
    expect(monthsReadFor('2026-03-15', null, null)).toEqual({ months: 'before', days: 'upTo' });
    expect(monthsReadFor('2027-01-20', '2026-03-03', '2027-03-10', false)).toEqual({ months: 'before', days: 'after' });
  });
});
