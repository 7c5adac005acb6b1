import { businessDay, nextBusinessDay, startOfBusinessDay } from '../shared/calendar';
import { toFen, formatFen } from '../shared/money';

export interface DailyFigures {
  /** The bank day (YYYY-MM-DD). */
  readonly date: string;
  /** Every contact made that day, re-contacts of customers reached before included. */
  readonly contacts: number;
  readonly converted: number;
  readonly revenue: string;
}

/**
 * The customers' reaction as facts with their time (the business time the event carries); the
 * check puts each in the window of its bank day.
 */
export interface ReactionFacts {
  /** Each feedback line recorded on the campaign; `rating` 1–5, or null for a comment without one. */
  readonly feedback: readonly { readonly at: string; readonly rating: number | null }[];
  /** Each complaint about the campaign's contacts (a customer who complains twice counts twice). */
  readonly complaints: readonly { readonly at: string; readonly customerId: string }[];
  /** The campaign's contacts (one per customer and bank day is enough): who was contacted when. */
  readonly contacts: readonly { readonly at: string; readonly customerId: string }[];
}

export interface WindowReaction {
  /** Feedback lines recorded in the window (with or without a rating). */
  readonly feedback: number;
  /** Mean of the window's ratings, two decimals; null when no feedback in it carried a rating (not 0). */
  readonly averageRating: number | null;
  /** Complaints raised in the window. */
  readonly complaints: number;
  /** Distinct customers the campaign's staff contacted in the window. */
  readonly customersContacted: number;
  /** complaints ÷ customersContacted (may exceed 1: a customer can complain twice); null when nobody was contacted in the window. */
  readonly complaintRate: number | null;
}

/** One 旬 window of a period (see tenDayWindows). */
export interface TenDayWindow {
  /** The bank month of the 旬 ("2026-04") and which of its three: 1 上旬 (days 1–10), 2 中旬 (11–20), 3 下旬 (21 to the month's end). */
  readonly month: string;
  readonly dekad: 1 | 2 | 3;
  /** The window: the 旬's bank days inside the period, [from, to) as instants; its first and last bank day. */
  readonly from: string;
  readonly to: string;
  readonly firstDay: string;
  readonly lastDay: string;
  /** The instant the check is made: the window's end; for the 旬 still running, now (its figures so far). */
  readonly at: string;
  readonly inProgress: boolean;
}

/** The check of a 旬 window. */
export interface TenDayCheck extends TenDayWindow {
  /** Share of the period gone by then. */
  readonly elapsed: number;
  /** Plan carried out? Contacts were made in the window (first contacts and re-contacts alike). */
  readonly contactedInWindow: number;
  readonly planCarriedOut: boolean;
  /** Objective reached? Actuals so far against the targets pro rata. */
  readonly conversions: { actual: number; expected: number | null; onTrack: boolean | null };
  readonly revenue: { actual: string; expected: string | null; onTrack: boolean | null };
  /** The customers' reaction in the window alone. */
  readonly reaction: WindowReaction;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The first bank day of the 旬 holding `day`, and the first of the next one. */
function dekadOf(day: string): { month: string; dekad: 1 | 2 | 3; first: string; next: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const month = `${String(y).padStart(4, '0')}-${pad(m)}`;
  const nextMonth = m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${pad(m + 1)}`;
  if (d <= 10) return { month, dekad: 1, first: `${month}-01`, next: `${month}-11` };
  if (d <= 20) return { month, dekad: 2, first: `${month}-11`, next: `${month}-21` };
  return { month, dekad: 3, first: `${month}-21`, next: `${nextMonth}-01` };
}

const NO_FACTS: ReactionFacts = { feedback: [], complaints: [], contacts: [] };

/**
 * The 旬 of the bank's calendar (BANK_TIME_ZONE) inside the period, [from, to) clipped to it, from
 * its start until now or its end; the 旬 still running last, `inProgress`, checked now. Pure: at most
 * 36 a year, whatever the history.
 */
export function tenDayWindows(period: { start: string; end: string }, now: string): TenDayWindow[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const nowMs = Date.parse(now);
  const windows: TenDayWindow[] = [];
  for (let day = businessDay(period.start); ; ) {
    const d = dekadOf(day);
    const from = Math.max(start, Date.parse(startOfBusinessDay(d.first)));
    const to = Math.min(end, Date.parse(startOfBusinessDay(d.next)));
    if (from >= end || from >= nowMs) break;
    const inProgress = to > nowMs;
    const at = inProgress ? nowMs : to;
    windows.push({
      month: d.month,
      dekad: d.dekad,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      firstDay: businessDay(new Date(from)),
      lastDay: businessDay(new Date(at - 1)),
      at: new Date(at).toISOString(),
      inProgress,
    });
    if (inProgress) break;
    day = d.next;
  }
  return windows;
}

/**
 * Where a window's facts fall: its bank days as instants, [its first day's midnight, the midnight
 * after its last day). A fact belongs to the window of the bank day of its business time — the
 * whole day, even where the period starts or ends (or now is) inside it. In order, not overlapping:
 * a query counts each window's facts between these bounds (follow-up.query.ts).
 */
export function reactionBounds(windows: readonly { readonly firstDay: string; readonly lastDay: string }[]): { from: string; to: string }[] {
  return windows.map((w) => ({ from: startOfBusinessDay(w.firstDay), to: startOfBusinessDay(nextBusinessDay(w.lastDay)) }));
}

/** A window's reaction as counts (summed where it is read): what WindowReaction is worked out from. */
export interface WindowCounts {
  readonly feedback: number;
  /** Feedback lines carrying a rating, and the sum of those ratings. */
  readonly ratings: number;
  readonly ratingSum: number;
  readonly complaints: number;
  /** Distinct customers contacted in the window (not a sum of per-day distincts). */
  readonly customersContacted: number;
}

/** The reaction of a window from its counts: the mean rating to two decimals (null when none), complaints per customer contacted (null when nobody was). */
export function windowReaction(c: WindowCounts): WindowReaction {
  return {
    feedback: c.feedback,
    averageRating: c.ratings ? Math.round((c.ratingSum / c.ratings) * 100) / 100 : null,
    complaints: c.complaints,
    customersContacted: c.customersContacted,
    complaintRate: c.customersContacted > 0 ? c.complaints / c.customersContacted : null,
  };
}

/**
 * The counts of each window (bank days [firstDay, lastDay], in order, not overlapping) from the facts
 * themselves: each goes by the bank day of its time to the window holding it (found by halving over
 * reactionBounds), a fact outside every window to none. For the few facts read whole (feedback lines);
 * the answer counts complaints and contacts in SQL between the same bounds.
 */
export function countReactions(facts: ReactionFacts, windows: readonly { readonly firstDay: string; readonly lastDay: string }[]): WindowCounts[] {
  const bins = windows.map(() => ({ feedback: 0, ratings: 0, ratingSum: 0, complaints: 0, customers: new Set<string>() }));
  const bounds = reactionBounds(windows).map((b) => [Date.parse(b.from), Date.parse(b.to)] as const);
  const binOf = (at: string) => {
    const t = Date.parse(at);
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [from, to] = bounds[mid]!;
      if (t < from) hi = mid - 1;
      else if (t >= to) lo = mid + 1;
      else return bins[mid];
    }
    return undefined;
  };
  for (const f of facts.feedback) {
    const bin = binOf(f.at);
    if (!bin) continue;
    bin.feedback += 1;
    if (f.rating !== null) (bin.ratings += 1), (bin.ratingSum += f.rating);
  }
  for (const c of facts.complaints) {
    const bin = binOf(c.at);
    if (bin) bin.complaints += 1;
  }
  for (const c of facts.contacts) binOf(c.at)?.customers.add(c.customerId);
  return bins.map((b) => ({ feedback: b.feedback, ratings: b.ratings, ratingSum: b.ratingSum, complaints: b.complaints, customersContacted: b.customers.size }));
}

/** Adds counts window by window (feedback counted from its lines, complaints and contacts by a query). */
export function addCounts(a: readonly WindowCounts[], b: readonly WindowCounts[]): WindowCounts[] {
  if (a.length !== b.length) throw new Error(`window counts for ${a.length} and ${b.length} windows`);
  return a.map((x, i) => {
    const y = b[i]!;
    return { feedback: x.feedback + y.feedback, ratings: x.ratings + y.ratings, ratingSum: x.ratingSum + y.ratingSum, complaints: x.complaints + y.complaints, customersContacted: x.customersContacted + y.customersContacted };
  });
}

/**
 * 004 (存款营销活动方案, 三): "每旬由综合业务部对此次活动进行效果评价,活动的策划方案实施情况如何,
 * 活动是否达到了预期的目的,客户对活动的反映如何" — each 旬 of the bank's calendar (days 1–10,
 * 11–20, 21 to the month's end), cut on the bank's days, from the period's start until now (or its
 * end): was the plan carried out (contacts made in the window), are conversions and revenue on
 * course for the targets taken pro rata over the period, and how did customers react in the window
 * (feedback, average rating, complaints and complaints per customer contacted in it)? The 旬 still
 * running comes last, `inProgress`, with its figures so far. The reaction is given as facts (placed
 * here) or as counts already made per window of tenDayWindows(period, now), in its order.
 */
export function tenDayChecks(
  period: { start: string; end: string },
  targets: { conversions: number | null; revenue: string | null },
  daily: readonly DailyFigures[],
  now: string,
  reaction: ReactionFacts | readonly WindowCounts[] = NO_FACTS,
): TenDayCheck[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const targetFen = targets.revenue === null ? null : toFen(targets.revenue)!;
  const windows = tenDayWindows(period, now);
  const counts = isCounts(reaction) ? reaction : countReactions(reaction, windows);
  if (counts.length !== windows.length) throw new Error(`reaction counted for ${counts.length} windows, the period has ${windows.length} up to ${now}`);
  return windows.map((w, i) => {
    const upTo = daily.filter((x) => x.date <= w.lastDay);
    const window = upTo.filter((x) => x.date >= w.firstDay);
    const elapsed = (Date.parse(w.at) - start) / (end - start);
    const conversions = upTo.reduce((n, x) => n + x.converted, 0);
    const revenueFen = upTo.reduce((n, x) => n + toFen(x.revenue)!, 0);
    const expectedConversions = targets.conversions === null ? null : Math.round(targets.conversions * elapsed * 100) / 100;
    const expectedFen = targetFen === null ? null : Math.round(targetFen * elapsed);
    const contactedInWindow = window.reduce((n, x) => n + x.contacts, 0);
    return {
      ...w,
      elapsed: Math.round(elapsed * 10_000) / 10_000,
      contactedInWindow,
      planCarriedOut: contactedInWindow > 0,
      conversions: { actual: conversions, expected: expectedConversions, onTrack: expectedConversions === null ? null : conversions >= expectedConversions },
      revenue: { actual: formatFen(revenueFen), expected: expectedFen === null ? null : formatFen(expectedFen), onTrack: expectedFen === null ? null : revenueFen >= expectedFen },
      reaction: windowReaction(counts[i]!),
    };
  });
}

const isCounts = (r: ReactionFacts | readonly WindowCounts[]): r is readonly WindowCounts[] => Array.isArray(r);
