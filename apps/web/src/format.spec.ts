import { addMonths, bankDay, bankMonth, bankWallClock, dateTime, fillDays, money, pct } from './format';

describe('figures as the bank reads them', () => {
  it('writes money in yuan with thousands separators and two decimals', () => {
    expect(money('1234.5')).toBe('¥1,234.50');
    expect(money(-50)).toBe('-¥50.00');
    expect(money(null)).toBe('–');
  });

  it('writes a rate as a percentage with one decimal', () => {
    expect(pct(2 / 15 - 1 / 5)).toBe('-6.7%'); // 13.33% − 20.00%
    expect(pct(null)).toBe('–');
  });

  it('puts a moment just after midnight in Beijing on the next bank day, never the UTC one', () => {
    // 2026-03-31T16:30Z is 00:30 on 1 April in Asia/Shanghai (UTC+8)
    expect(dateTime('2026-03-31T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-04-01 00:30');
    expect(bankDay('2026-03-31T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-04-01');
    expect(bankMonth(new Date('2026-03-31T16:30:00.000Z'), 'Asia/Shanghai')).toBe('2026-04');
    expect(bankDay('2026-03-31T16:30:00.000Z', 'UTC')).toBe('2026-03-31');
  });

  it('puts a moment on the timeline at the bank\'s wall-clock time: 16:30Z on 31 March is 00:30 on 1 April in Beijing', () => {
    // 2026-03-31T16:30Z + 8 h = 2026-04-01 00:30, written as if UTC
    expect(new Date(bankWallClock('2026-03-31T16:30:00.000Z', 'Asia/Shanghai')).toISOString()).toBe('2026-04-01T00:30:00.000Z');
    expect(new Date(bankWallClock('2026-03-31T16:30:00.000Z', 'UTC')).toISOString()).toBe('2026-03-31T16:30:00.000Z');
  });

  it('counts months across a year end', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-04', -11)).toBe('2025-05');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
  });

  it('shows the days without figures as zeros, over the whole run', () => {
    const days = fillDays([{ date: '2026-03-03', converted: 2 }, { date: '2026-03-01', converted: 1 }], { converted: 0 }, '2026-02-28', '2026-03-04');
    // 28 Feb, 1, 2, 3, 4 March (2026 is not a leap year): five days, three of them empty
    expect(days).toEqual([
      { date: '2026-02-28', converted: 0 },
      { date: '2026-03-01', converted: 1 },
      { date: '2026-03-02', converted: 0 },
      { date: '2026-03-03', converted: 2 },
      { date: '2026-03-04', converted: 0 },
    ]);
    expect(fillDays<{ date: string; converted: number }>([], { converted: 0 })).toEqual([]);
  });
});
