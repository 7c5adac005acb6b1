// Figures as the bank's staff read them: money in yuan (¥1,234.50), dates and days in the bank's
// time zone (what the API reports, Asia/Shanghai by default), never the browser's or UTC.

const MONEY = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });

export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  return MONEY.format(Number(value));
}

export function num(value: number | string | null | undefined, locale = 'zh-CN'): string {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(locale).format(Number(value));
}

export function pct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(digits)}%`;
}

/** A moment as a date and time in the bank's zone, e.g. 2026-04-01 00:30 for 2026-03-31T16:30Z. */
export function dateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '–';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * A moment as the bank's wall clock shows it, written as if that clock were UTC (milliseconds): a
 * chart drawn in UTC (ECharts' `useUTC`) then labels days and hours as the bank reads them, whatever
 * the browser's own zone.
 */
export function bankWallClock(iso: string, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (Date.parse(iso) % 1000);
}

/** The bank day a moment falls on (YYYY-MM-DD in the bank's zone). */
export function bankDay(iso: string, timeZone: string): string {
  return dateTime(iso, timeZone).slice(0, 10);
}

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive): calendar arithmetic, no time zone involved. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && days.length < 3700; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * A daily series with the days on which nothing happened put back as zeros, from `from` (or the
 * first day with figures) to `to` (or the last), so a chart's axis is true to the calendar.
 */
export function fillDays<T extends { date: string }>(rows: readonly T[], zero: Omit<T, 'date'>, from?: string, to?: string): T[] {
  const sorted = [...rows].sort((a, b) => a.date.localeCompare(b.date));
  const first = from ?? sorted[0]?.date;
  const last = to ?? sorted[sorted.length - 1]?.date;
  if (!first || !last) return [];
  const byDay = new Map(sorted.map((r) => [r.date, r]));
  return daysBetween(first, last).map((date) => byDay.get(date) ?? ({ ...zero, date } as T));
}

/** The bank month a moment falls in (YYYY-MM in the bank's zone). */
export function bankMonth(at: Date, timeZone: string): string {
  return bankDay(at.toISOString(), timeZone).slice(0, 7);
}

/** A month `n` months after (or before, n < 0) a YYYY-MM month. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
