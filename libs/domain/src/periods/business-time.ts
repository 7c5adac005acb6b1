import { refused } from '../errors';
import type { Organisation } from '../organisation/organisation.state';
import { businessMonth } from '../shared/calendar';
import type { Actor } from '../shared/types';

const DAY_MS = 86_400_000;

/**
 * What a command says about when it was recorded, besides its business time `at`: the recording
 * time, how far staff may date a fact back (`graceDays`, a setting), and an admin's correction
 * reason. Callers that state no recording time (the demo seed, imports) are not held to the grace.
 */
export interface Recording {
  readonly recordedAt?: string;
  readonly graceDays?: number;
  /** An admin's reason for a fact dated in a closed month; recorded with the events and shown on the scorecard. */
  readonly correction?: string;
}

/**
 * Nobody bends the figures that set pay (issue 16): a fact may not be dated in a business month head
 * office has closed (PERIOD_CLOSED), unless an admin records it as a correction with a reason; and
 * staff may not date a fact further back than the grace before they record it (BACKDATED_TOO_FAR).
 * Admins (who also run the core-banking and points feeds) are not held to the grace.
 */
export function requireBusinessTimeAllowed(c: { readonly at: string; readonly by: Actor; readonly org: Organisation } & Recording): void {
  const month = businessMonth(c.at);
  if (c.org.closedMonths.has(month) && !(c.by.role === 'admin' && c.correction)) {
    throw refused('PERIOD_CLOSED', `${month} is closed: no new fact is dated in it (an admin may record a correction, with its reason)`, { month, occurredAt: c.at });
  }
  if (c.by.role !== 'admin' && c.recordedAt !== undefined && c.graceDays !== undefined && Date.parse(c.at) < Date.parse(c.recordedAt) - c.graceDays * DAY_MS) {
    throw refused('BACKDATED_TOO_FAR', `a fact may be dated at most ${c.graceDays} days before it is recorded`, { occurredAt: c.at, recordedAt: c.recordedAt, graceDays: c.graceDays });
  }
}
