/**
 * The bank's calendar: business days, months and years are cut in the bank's time zone
 * (`BANK_TIME_ZONE`, Asia/Shanghai by default), never in UTC. A sale at 07:30 Beijing time on
 * 1 April belongs to April's scorecard although it is 23:30 on 31 March in UTC.
 *
 * The zone is a property of the bank, set once when a process starts (`useBankTimeZone`), before
 * anything is decided or projected; everything else asks this module. Built on the runtime's
 * own time-zone database (Intl), so it follows the IANA rules, summer time included.
 */
export const DEFAULT_BANK_TIME_ZONE = 'Asia/Shanghai';

let zone = DEFAULT_BANK_TIME_ZONE;
let parts = formatterFor(zone);

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** Throws a RangeError naming the zone when the runtime does not know it. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`not a time zone: ${JSON.stringify(timeZone)} (an IANA name such as Asia/Shanghai)`);
  }
}

export function useBankTimeZone(timeZone: string): void {
  zone = checkTimeZone(timeZone);
  parts = formatterFor(zone);
  offsets.clear();
}

export const bankTimeZone = (): string => zone;

/** The wall-clock fields of an instant in the bank's zone, as the runtime's time-zone database gives them. */
function formatted(instant: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const f: Record<string, number> = {};
  for (const p of parts.formatToParts(instant)) if (p.type !== 'literal') f[p.type] = Number(p.value);
  return { y: f.year!, m: f.month!, d: f.day!, hh: f.hour!, mm: f.minute!, ss: f.second! };
}

const HOUR = 3_600_000;
/** Per UTC hour, the zone's offset (ms) when it is the same at the hour's first and last second; null when it changes within the hour. */
const offsets = new Map<number, number | null>();
const offsetOf = (instant: number) => {
  const w = formatted(instant);
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - Math.floor(instant / 1000) * 1000;
};

/**
 * The wall-clock fields of an instant in the bank's zone. Formatting is slow (a projection asks for
 * every event's business month), and a zone's offset changes a few times a year at most: it is
 * asked once per UTC hour, and the hours where it changes are formatted instant by instant.
 */
function wallClock(instant: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const hour = Math.floor(instant / HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const first = offsetOf(hour * HOUR);
    offset = first === offsetOf(hour * HOUR + HOUR - 1000) ? first : null;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  if (offset === null || !Number.isFinite(instant)) return formatted(instant);
  const t = new Date(instant + offset);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), hh: t.getUTCHours(), mm: t.getUTCMinutes(), ss: t.getUTCSeconds() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The bank's business day of a time: "2026-04-01". */
export function businessDay(iso: string | Date): string {
  const w = wallClock(typeof iso === 'string' ? Date.parse(iso) : iso.getTime());
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
}

/** A time as the bank's wall clock shows it, for people and spreadsheets: "2026-04-01 07:30:00" (no zone written: the bank's). */
export function bankDateTime(iso: string | Date): string {
  const w = wallClock(typeof iso === 'string' ? Date.parse(iso) : iso.getTime());
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)} ${pad(w.hh)}:${pad(w.mm)}:${pad(w.ss)}`;
}

/** The bank's business month of a time: "2026-04" (the period of scorecards and targets). */
export function businessMonth(iso: string | Date): string {
  const w = wallClock(typeof iso === 'string' ? Date.parse(iso) : iso.getTime());
  return `${pad(w.y, 4)}-${pad(w.m)}`;
}

/** The bank's business year of a time (budget years). */
export const businessYear = (iso: string | Date): number => wallClock(typeof iso === 'string' ? Date.parse(iso) : iso.getTime()).y;

/** Milliseconds the bank's zone is ahead of UTC at an instant. */
function offsetAt(instant: number): number {
  const w = wallClock(instant);
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - Math.floor(instant / 1000) * 1000;
}

/** The instant a bank day ("2026-04-01") begins, as an ISO time in UTC. */
export function startOfBusinessDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // The offset at the guessed instant, then again at the corrected one (a change of offset near midnight).
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  // Where clocks jump forward at midnight (Santiago, Havana), 00:00 never happens: the day starts
  // at the first instant whose wall date is the day, one offset change later.
  if (businessDay(new Date(instant)) !== day) instant += offsetAt(instant + 86_400_000 / 2) - offsetAt(instant);
  return new Date(instant).toISOString();
}

/** The bank day after `day` ("2026-12-31" → "2027-01-01"): calendar arithmetic, whatever the day's length in hours. */
export function nextBusinessDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const after = new Date(Date.UTC(y, m - 1, d + 1));
  return `${pad(after.getUTCFullYear(), 4)}-${pad(after.getUTCMonth() + 1)}-${pad(after.getUTCDate())}`;
}

/**
 * The instant the last `days` bank days up to and including the day of `at` began: the window of
 * a limit "per N days" (the contact policy's 30 and 7 days), cut at the bank's midnights, not
 * N × 24 hours back. For 23:30 on 31 March (Beijing) and 7 days: 00:00 on 25 March, Beijing.
 */
export function startOfBusinessDaysEnding(at: string, days: number): string {
  const [y, m, d] = businessDay(at).split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1, d - (days - 1)));
  return startOfBusinessDay(`${pad(first.getUTCFullYear(), 4)}-${pad(first.getUTCMonth() + 1)}-${pad(first.getUTCDate())}`);
}

/** The last millisecond of a bank day, as an ISO time in UTC ("as of 2026-06-30" means up to here). */
export function endOfBusinessDay(day: string): string {
  return new Date(Date.parse(startOfBusinessDay(nextBusinessDay(day))) - 1).toISOString();
}

/** The instants a bank month ("2026-03") starts and the next one starts: [from, to). */
export function businessMonthBounds(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${pad(y + 1, 4)}-01` : `${pad(y, 4)}-${pad(m + 1)}`;
  return { from: startOfBusinessDay(`${period}-01`), to: startOfBusinessDay(`${next}-01`) };
}
