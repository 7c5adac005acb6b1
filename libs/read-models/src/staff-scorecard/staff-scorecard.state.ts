import type { PoolClient } from 'pg';
import { DEFAULT_SCORING, saleKey, type ScoringRules } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { businessMonth } from '@app/domain';
import { data as d, occurredAt as at } from '../runner/event-fields';
import type { Assignment } from './staff-scorecard.adherence';
import { managerAt, type CustomerStay, type StaffInterval } from './staff-scorecard.intervals';
import { counterKey } from './staff-scorecard.people';

/** One of a sale's credits (at most one of each kind per sale: the key of sc_credits is the customer, the conversion and the kind). */
export interface CreditRow {
  staffId: string;
  unitId: string;
  period: string;
  kind: string;
  conversions: number;
  revenueFen: number;
  pointsHundredths: number;
  reversed: boolean;
}

/**
 * What the scorecard's effects decide with: the rows of the read model the batch's events are
 * about, read once per batch, and kept up to date in memory by the effects as they go through the
 * batch in log order (so a sale sees an assignment recorded two events before it, and is credited
 * to whichever manager was assigned at the sale's business time).
 */
export interface ScorecardState {
  /** The rules in force: the last set, over the defaults, under the what-if overrides. */
  rules: ScoringRules;
  readonly overrides: Partial<ScoringRules>;
  readonly staffUnits: Map<string, StaffInterval[]>;
  /** The stays of the customers the batch onboards, transfers and sells to (business time). */
  readonly stays: Map<string, CustomerStay[]>;
  /** The units transfers go into and leave, and every unit above them: whether each is a centre, and its parent (`inWealthCentre`). */
  readonly units: Map<string, { readonly parentId: string | null; readonly wealthCentre: boolean }>;
  readonly weights: Map<string, string>;
  /** Credits already written, per sale (`saleKey`: a conversion id is unique only within its customer). */
  readonly credits: Map<string, CreditRow[]>;
  readonly activityKeys: Set<string>;
  /** Every assignment of the customers the batch's assignments, contacts and sales are about (business time). */
  readonly assignments: Map<string, Assignment[]>;
  /** For the same customers, the months anyone contacted them in. */
  readonly contactedMonths: Map<string, Set<string>>;
  /** The rows of sc_contacted there for them (`contactedKey`). */
  readonly contactedKeys: Set<string>;
  /** The latest business month an assignment or contact happened in (null: none yet). */
  horizon: string | null;
  /** Customers assigned now, per person: read whole when the batch may move the horizon (else only changes are recorded). */
  readonly openCounts: Map<string, number>;
  /**
   * The units and months each person has counters in (`counterKey`; their coverage, staff-scorecard.people.ts): every one
   * of those the batch registers or moves, and of everyone a fact may credit or place, those of the batch's months.
   */
  readonly counters: Map<string, Set<string>>;
  /** Whose intervals and counters were read (`staffUnits` holds nothing for one never registered nor moved); `all`: everyone's (an empty read model). */
  readonly staffRead: Set<string> | 'all';
}

export const emptyScorecardState = (overrides: Partial<ScoringRules> = {}): ScorecardState => ({
  rules: { ...DEFAULT_SCORING, ...overrides },
  overrides,
  staffUnits: new Map(),
  stays: new Map(),
  units: new Map(),
  weights: new Map(),
  credits: new Map(),
  activityKeys: new Set(),
  assignments: new Map(),
  contactedMonths: new Map(),
  contactedKeys: new Set(),
  horizon: null,
  openCounts: new Map(),
  counters: new Map(),
  staffRead: 'all',
});

export const contactedKey = (period: string, staffId: string, unitId: string, customerId: string) => JSON.stringify([period, staffId, unitId, customerId]);

/** The events that place the adherence horizon. */
export const ADHERENCE_EVENTS = ['CustomerAssignedToManager', 'CustomerContacted'];

const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string'))];
const of = (events: readonly RecordedEvent[], ...types: string[]) => events.filter((e) => types.includes(e.type));

/**
 * The activity key a contact, complaint or unsuitable attempt is stored under (one row however often
 * it is seen): its kind and ids as a JSON array, so ids holding any character (':' among them) never
 * make two keys one.
 */
export const activityKey = (e: RecordedEvent): string | null => {
  switch (e.type) {
    case 'CustomerContacted':
      return JSON.stringify(['contact', d(e).customerId, d(e).contactId]);
    case 'ComplaintRecorded':
      return JSON.stringify(['complaint', d(e).customerId, d(e).complaintId]);
    case 'OfferBlockedAsUnsuitable':
      return JSON.stringify(['unsuitable', e.metadata.eventId]);
    default:
      return null;
  }
};

/** Eleven reads for the whole batch (twelve when it moves the adherence horizon), each for the subjects its events name. */
export async function loadScorecardState(tx: PoolClient, events: readonly RecordedEvent[], overrides: Partial<ScoringRules>): Promise<ScorecardState> {
  const state: ScorecardState = { ...emptyScorecardState(overrides), staffRead: new Set() };
  const settings = await tx.query<{ rules: ScoringRules }>(`SELECT rules FROM sc_settings WHERE id = 1`);
  state.rules = { ...DEFAULT_SCORING, ...settings.rows[0]?.rules, ...overrides };

  const transfers = of(events, 'CustomerTransferred');
  const recorded = of(events, 'ConversionRecorded');
  const stays = await tx.query(
    `SELECT customer_id, event_id, seq, unit_id, valid_from, referrer_id, referring_unit_id FROM sc_customer_stays WHERE customer_id = ANY($1::text[]) ORDER BY seq`,
    [uniq(of(events, 'CustomerOnboarded', 'CustomerTransferred', 'ConversionRecorded').map((e) => d(e).customerId))],
  );
  for (const r of stays.rows) {
    const list = state.stays.get(r.customer_id) ?? [];
    const referrer = r.referrer_id === null ? null : { staffId: r.referrer_id, unitId: r.referring_unit_id };
    list.push({ eventId: r.event_id, seq: BigInt(r.seq), unitId: r.unit_id, from: r.valid_from ? (r.valid_from as Date).getTime() : null, referrer });
    state.stays.set(r.customer_id, list);
  }

  // Whether a transfer goes into a centre, and whether the stay it leaves was in one (that stay's referrer is kept):
  // the units and every unit above them (a team inside a centre is in it), with the parents of units the batch
  // opens (a transfer into a team opened in the same batch).
  const transferred = new Set(transfers.map((e) => d(e).customerId));
  // A stay a transfer leaves may come from the tables, or from this batch: an onboarding (its unit read here too), or a
  // transfer before it (its unit is among the transfers' own).
  const leftUnits = [...state.stays].filter(([customerId]) => transferred.has(customerId)).flatMap(([, list]) => list.map((x) => x.unitId));
  const onboardedHere = of(events, 'CustomerOnboarded').filter((e) => transferred.has(d(e).customerId)).map((e) => d(e).homeUnitId);
  const opened = transfers.length ? of(events, 'OrgUnitOpened').map((e) => d(e).parentId) : [];
  const units = await tx.query(
    `WITH RECURSIVE up AS (
       SELECT unit_id, parent_id, wealth_centre FROM sc_units WHERE unit_id = ANY($1::text[])
       UNION SELECT u.unit_id, u.parent_id, u.wealth_centre FROM sc_units u JOIN up ON u.unit_id = up.parent_id
     ) SELECT unit_id, parent_id, wealth_centre FROM up`,
    [uniq([...transfers.map((e) => d(e).toUnitId), ...leftUnits, ...onboardedHere, ...opened])],
  );
  for (const r of units.rows) state.units.set(r.unit_id, { parentId: r.parent_id, wealthCentre: r.wealth_centre });

  const weights = await tx.query(`SELECT product_code, weight FROM sc_products WHERE product_code = ANY($1::text[])`, [uniq(recorded.map((e) => d(e).productCode))]);
  for (const r of weights.rows) state.weights.set(r.product_code, r.weight);

  // The assignments of the customers assigned or contacted (adherence), sold to (the manager at each sale) and
  // transferred (the manager who moves a customer up to a wealth centre is its referrer).
  const adherence = of(events, ...ADHERENCE_EVENTS);
  const about = uniq(adherence.map((e) => d(e).customerId));
  const assignments = await tx.query(`SELECT customer_id, event_id, seq, manager_id, valid_from, valid_to FROM sc_assignments WHERE customer_id = ANY($1::text[]) ORDER BY seq`, [
    uniq([...about, ...[...recorded, ...transfers].map((e) => d(e).customerId)]),
  ]);
  for (const r of assignments.rows) {
    const list = state.assignments.get(r.customer_id) ?? [];
    list.push({ eventId: r.event_id, seq: BigInt(r.seq), managerId: r.manager_id, from: (r.valid_from as Date).getTime(), to: r.valid_to ? (r.valid_to as Date).getTime() : null });
    state.assignments.set(r.customer_id, list);
  }

  // Everyone a fact may place in their unit: the people the events name and the manager at each sale as stored (one
  // assigned in the batch is named by its event). A referring manager's credit is placed in the stay's referring
  // sub-branch, a shadow credit in the stay's centre: neither needs their units.
  // Everyone a fact may credit is read too (their coverage, staff-scorecard.people.ts): any manager of the customers
  // (one may be the manager at a sale or at a move up to a centre, and so a referrer) and the stays' referrers.
  const staffIds = uniq([
    ...events.flatMap((e) => [d(e).staffId, d(e).referrerStaffId]),
    ...recorded.map((e) => managerAt(state.assignments.get(d(e).customerId), Date.parse(at(e)), e.position.prepare)),
    ...[...state.assignments.values()].flatMap((list) => list.map((a) => a.managerId)),
    ...[...state.stays.values()].flatMap((list) => list.map((x) => x.referrer?.staffId)),
  ]);
  const intervals = await tx.query(`SELECT staff_id, event_id, seq, unit_id, valid_from FROM sc_staff_units WHERE staff_id = ANY($1::text[]) ORDER BY seq`, [staffIds]);
  for (const r of intervals.rows) {
    const list = state.staffUnits.get(r.staff_id) ?? [];
    list.push({ eventId: r.event_id, seq: BigInt(r.seq), unitId: r.unit_id, validFrom: r.valid_from ? (r.valid_from as Date).getTime() : null });
    state.staffUnits.set(r.staff_id, list);
  }
  // Their counters' units: all of them for whoever the batch registers or moves (their coverage is recomputed whole),
  // those of the batch's months for the rest (a fact adds counters only in its own month).
  const whole = uniq(of(events, 'StaffMemberRegistered', 'StaffMemberMoved').map((e) => d(e).staffId));
  const months = uniq(of(events, 'ConversionRecorded', 'CustomerContacted', 'ComplaintRecorded', 'OfferBlockedAsUnsuitable').map((e) => businessMonth(at(e))));
  const counters = await tx.query<{ staff_id: string; unit_id: string; period: string }>(
    `SELECT staff_id, unit_id, period FROM sc_person_month WHERE staff_id = ANY($1::text[]) OR (staff_id = ANY($2::text[]) AND period = ANY($3::text[]))`,
    [whole, staffIds, months],
  );
  for (const id of staffIds) (state.staffRead as Set<string>).add(id);
  for (const r of counters.rows) (state.counters.get(r.staff_id) ?? state.counters.set(r.staff_id, new Set()).get(r.staff_id)!).add(counterKey(r.unit_id, r.period));

  const sales = of(events, 'ConversionRecorded', 'ConversionReversed');
  const credits = await tx.query(
    `SELECT c.* FROM sc_credits c JOIN unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id) ON c.customer_id = v.customer_id AND c.conversion_id = v.conversion_id`,
    [sales.map((e) => d(e).customerId), sales.map((e) => d(e).conversionId)],
  );
  for (const r of credits.rows) {
    const key = saleKey(r.customer_id, r.conversion_id);
    const row: CreditRow = { staffId: r.staff_id, unitId: r.unit_id, period: r.period, kind: r.kind, conversions: r.conversions, revenueFen: Number(r.revenue_fen), pointsHundredths: Number(r.points_hundredths), reversed: r.reversed };
    state.credits.set(key, [...(state.credits.get(key) ?? []), row]);
  }

  const keys = uniq(events.map(activityKey));
  for (const r of (await tx.query(`SELECT activity_key FROM sc_activity WHERE activity_key = ANY($1::text[])`, [keys])).rows) state.activityKeys.add(r.activity_key);

  // Adherence: the months the customers assigned or contacted were contacted in.
  for (const r of (await tx.query(`SELECT period, staff_id, unit_id, customer_id FROM sc_contacted WHERE customer_id = ANY($1::text[])`, [about])).rows) {
    state.contactedKeys.add(contactedKey(r.period, r.staff_id, r.unit_id, r.customer_id));
    state.contactedMonths.set(r.customer_id, (state.contactedMonths.get(r.customer_id) ?? new Set()).add(r.period));
  }
  state.horizon = (await tx.query(`SELECT period FROM sc_horizon WHERE id = 1`)).rows[0]?.period ?? null;
  // Moving the horizon carries everyone's current customers into the new months: read them all then.
  if (adherence.some((e) => state.horizon === null || businessMonth(at(e)) > state.horizon))
    for (const r of (await tx.query(`SELECT staff_id, customers FROM sc_open_assignments WHERE customers <> 0`)).rows) state.openCounts.set(r.staff_id, Number(r.customers));
  return state;
}
