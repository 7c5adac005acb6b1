import { businessDay } from '../shared/calendar';
import { toFen, formatFen } from '../shared/money';

const DAY = 86_400_000;

export interface DailyFigures {
  /** The bank day (YYYY-MM-DD). */
  readonly date: string;
  /** Every contact made that day, re-contacts of customers reached before included. */
  readonly contacts: number;
  readonly converted: number;
  readonly revenue: string;
}

export interface TenDayCheck {
  /** The instant the check is made: every 10 days from the period's start. */
  readonly at: string;
  /** Share of the period gone by then. */
  readonly elapsed: number;
  /** Plan carried out? Contacts were made in these 10 days (first contacts and re-contacts alike). */
  readonly contactedInWindow: number;
  readonly planCarriedOut: boolean;
  /** Objective reached? Actuals so far against the targets pro rata. */
  readonly conversions: { actual: number; expected: number | null; onTrack: boolean | null };
  readonly revenue: { actual: string; expected: string | null; onTrack: boolean | null };
}

/**
 * 004 篇九 第三十条 (execution follow-up, "每10天检查一次"): every 10 days from the start of the
 * period until now (or its end), was the plan carried out (contacts made in those days) and are
 * conversions and revenue on course for the targets, taken pro rata over the period?
 */
export function tenDayChecks(period: { start: string; end: string }, targets: { conversions: number | null; revenue: string | null }, daily: readonly DailyFigures[], now: string): TenDayCheck[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const until = Math.min(Date.parse(now), end);
  const checks: TenDayCheck[] = [];
  for (let at = start + 10 * DAY; at <= until; at += 10 * DAY) {
    // Days are the bank's: the window holds the bank days that began in the 10 days before the check.
    const lastDay = businessDay(new Date(at - 1));
    const firstDay = businessDay(new Date(at - 10 * DAY));
    const upTo = daily.filter((d) => d.date <= lastDay);
    const window = upTo.filter((d) => d.date >= firstDay);
    const elapsed = (at - start) / (end - start);
    const conversions = upTo.reduce((n, d) => n + d.converted, 0);
    const revenueFen = upTo.reduce((n, d) => n + toFen(d.revenue)!, 0);
    const targetFen = targets.revenue === null ? null : toFen(targets.revenue)!;
    const expectedConversions = targets.conversions === null ? null : Math.round(targets.conversions * elapsed * 100) / 100;
    const expectedFen = targetFen === null ? null : Math.round(targetFen * elapsed);
    const contactedInWindow = window.reduce((n, d) => n + d.contacts, 0);
    checks.push({
      at: new Date(at).toISOString(),
      elapsed: Math.round(elapsed * 10_000) / 10_000,
      contactedInWindow,
      planCarriedOut: contactedInWindow > 0,
      conversions: { actual: conversions, expected: expectedConversions, onTrack: expectedConversions === null ? null : conversions >= expectedConversions },
      revenue: { actual: formatFen(revenueFen), expected: expectedFen === null ? null : formatFen(expectedFen), onTrack: expectedFen === null ? null : revenueFen >= expectedFen },
    });
  }
  return checks;
}
