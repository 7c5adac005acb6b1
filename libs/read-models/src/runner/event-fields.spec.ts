import { toMillisecond } from './event-fields';

describe('event times to the millisecond', () => {
  it('truncates an imported time finer than the millisecond (as Date.parse does, never rounding up into the next day)', () => {
    // 00:00:00.0005 Beijing on 3 March is 16:00 UTC on 2 March.
    expect(toMillisecond('2026-03-03T00:00:00.000500+08:00')).toBe('2026-03-02T16:00:00.000Z');
    // Nine digits, a hair before midnight Beijing: still 31 March in Beijing, not 1 April.
    expect(toMillisecond('2026-03-31T23:59:59.999999999+08:00')).toBe('2026-03-31T15:59:59.999Z');
    expect(toMillisecond('2026-03-31T15:59:59.9996Z')).toBe('2026-03-31T15:59:59.999Z');
  });

  it('returns any other time as it is', () => {
    for (const t of ['2026-03-31T15:59:59.999Z', '2026-03-31T23:59:59.999+08:00', '2026-03-31T23:59:59+08:00', '2026-03-31T23:59Z', '2026-03-31T23:59:59.9Z', '2026-03-31T23:59:59.99Z', 'not a time at all, really'])
      expect(toMillisecond(t)).toBe(t);
  });
});
