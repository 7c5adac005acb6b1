import { businessMonth, creditsFor, DEFAULT_SCORING, saleKey, toFen, toHundredths, type ScoringRules } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, update, upsert, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { STAFF_SCORECARD_TABLES } from './staff-scorecard.tables';
import { activityKey, contactedKey, loadScorecardState, type ScorecardState } from './staff-scorecard.state';
import { coverage, coverageDeltas, monthsAfter, type Assignment } from './staff-scorecard.adherence';
import { managerAt, placeInterval, stayAt, unitAt, type CustomerStay, type StaffInterval } from './staff-scorecard.intervals';
import { counterKey, coverageEffects, covers, personCoverage, registered } from './staff-scorecard.people';

const seqOf = (e: RecordedEvent) => e.position.prepare;
/** The figures of a person's month that their unit's month sums too (sc_unit_month). */
const UNIT_FIGURES = ['conversions', 'revenue_fen', 'points_hundredths', 'shadow_hundredths', 'penalty_hundredths'] as const;
/**
 * What a fact adds to its person's month, and to their unit's month (only when it changes one of the unit's figures); a
 * person's first counters in a unit and month may make them of its month (`newCounters`; `there`: the row is known to be
 * there, a reversal's).
 */
function month(s: ScorecardState | 'there', staffId: string, unitId: string, period: string, counts: Record<string, number>): Effect[] {
  const person = upsert('sc_person_month', { staff_id: staffId, unit_id: unitId, period, ...counts });
  const effects = s === 'there' ? [person] : [person, ...newCounters(s, staffId, unitId, period)];
  if (!UNIT_FIGURES.some((f) => counts[f])) return effects;
  const unit: Record<string, number | string> = { period, unit_id: unitId };
  for (const f of UNIT_FIGURES) unit[f] = counts[f] ?? 0;
  return [...effects, upsert('sc_unit_month', unit)];
}

/** A person's counters in a unit and month, if they are the first there: what that changes of the people counters (staff-scorecard.people.ts). */
function newCounters(s: ScorecardState, staffId: string, unitId: string, period: string): Effect[] {
  const mine = s.counters.get(staffId) ?? s.counters.set(staffId, new Set()).get(staffId)!;
  const key = counterKey(unitId, period);
  if (mine.has(key)) return [];
  // Counters only for people whose intervals and counters the batch read (the state's rule): never a guess.
  if (s.staffRead !== 'all' && !s.staffRead.has(staffId)) throw new Error(`staff-scorecard: counters for ${staffId}, whose intervals the batch did not read`);
  const intervals = s.staffUnits.get(staffId);
  mine.add(key);
  // Not registered (counted from their registration), or of the unit's month already by an interval (nearly always): nothing changes.
  if (!registered(intervals)) return [];
  const was = personCoverage(intervals, [...mine].filter((k) => k !== key));
  if (covers(was, unitId, period)) return [];
  return coverageEffects(staffId, was, personCoverage(intervals, mine));
}

/** What a registration or move does to a person's coverage (their intervals before and after it). */
function recovered(s: ScorecardState, staffId: string, was: readonly StaffInterval[] | undefined, now: readonly StaffInterval[]): Effect[] {
  const mine = s.counters.get(staffId) ?? [];
  return coverageEffects(staffId, personCoverage(was, mine), personCoverage(now, mine));
}

/** Ends the intervals the event cuts (`placeInterval`), and opens one from the event's time that holds now (the last recorded). */
function nextInterval(
  table: 'sc_staff_units' | 'sc_assignments' | 'sc_customer_stays',
  subject: Record<string, string>,
  cuts: readonly { eventId: string; to: number }[],
  e: RecordedEvent,
  value: Record<string, string | null>,
): Effect[] {
  const closing = cuts.map((c) => update(table, { ...subject, event_id: c.eventId, valid_to: new Date(c.to).toISOString() }));
  return [...closing, upsert(table, { ...subject, event_id: e.metadata.eventId, seq: seqOf(e).toString(), ...value, valid_from: at(e), valid_to: null })];
}

const adherence = (period: string, staffId: string, assigned: number, assignedContacted: number) =>
  upsert('sc_staff_month', { period, staff_id: staffId, assigned, assigned_contacted: assignedContacted });

/**
 * An assignment or contact in a month past the horizon moves it there: everyone's customers
 * assigned now were assigned in each month it passes (nobody contacted in them yet).
 */
function advanceHorizon(e: RecordedEvent, s: ScorecardState): Effect[] {
  const period = businessMonth(at(e));
  if (s.horizon !== null && period <= s.horizon) return [];
  const months = s.horizon === null ? [period] : monthsAfter(s.horizon, period);
  s.horizon = period;
  const carried = [...s.openCounts].filter(([, n]) => n !== 0).flatMap(([staffId, n]) => months.map((m) => adherence(m, staffId, n, 0)));
  return [upsert('sc_horizon', { id: 1, period }), ...carried];
}

/** A contact's counts: a customer new to the person (and unit) this month, and new to anyone this month (adherence of whoever had them then). */
function contacted(s: ScorecardState, staffId: string, unitId: string, period: string, customerId: string): Effect[] {
  const effects: Effect[] = [];
  const key = contactedKey(period, staffId, unitId, customerId);
  if (!s.contactedKeys.has(key)) {
    s.contactedKeys.add(key);
    effects.push(upsert('sc_contacted', { staff_id: staffId, unit_id: unitId, period, customer_id: customerId }), ...month(s, staffId, unitId, period, { customers_contacted: 1 }));
  }
  const months = s.contactedMonths.get(customerId) ?? new Set<string>();
  s.contactedMonths.set(customerId, months);
  if (months.has(period)) return effects;
  months.add(period);
  for (const [managerId, covered] of coverage(s.assignments.get(customerId) ?? [], s.horizon)) if (covered.has(period)) effects.push(adherence(period, managerId, 0, 1));
  return effects;
}

/** A contact, complaint or unsuitable attempt: its row and its counts, under its person's unit then (once per key). */
function activity(e: RecordedEvent, s: ScorecardState, kind: 'contact' | 'complaint' | 'unsuitable'): Effect[] {
  const staffId = d(e).staffId as string | null | undefined;
  const key = activityKey(e)!;
  if (!staffId || s.activityKeys.has(key)) return [];
  s.activityKeys.add(key);
  const moved = kind === 'contact' ? advanceHorizon(e, s) : [];
  const unitId = unitAt(s.staffUnits.get(staffId), Date.parse(at(e)), seqOf(e));
  const period = businessMonth(at(e));
  const penalty = kind === 'complaint' ? toHundredths(s.rules.complaintPenalty) : kind === 'unsuitable' ? toHundredths(s.rules.unsuitablePenalty) : 0;
  const row = { activity_key: key, staff_id: staffId, unit_id: unitId, period, kind, customer_id: d(e).customerId, occurred_at: at(e), penalty_hundredths: penalty };
  return [
    ...moved,
    upsert('sc_activity', row),
    ...month(s, staffId, unitId, period, { contacts: kind === 'contact' ? 1 : 0, complaints: kind === 'complaint' ? 1 : 0, unsuitable: kind === 'unsuitable' ? 1 : 0, penalty_hundredths: penalty }),
    ...(kind === 'contact' ? contacted(s, staffId, unitId, period, d(e).customerId) : []),
  ];
}

/**
 * A new assignment supersedes those recorded before it from its business time on (the write side's
 * rule: the last recorded assignment holds, `placeInterval`): the months each manager gains or loses,
 * and who has the customer now (the new manager, in place of the previous last recorded). Once per assignment.
 */
function reassigned(e: RecordedEvent, s: ScorecardState, customerId: string, managerId: string): Effect[] {
  const list = s.assignments.get(customerId) ?? [];
  s.assignments.set(customerId, list);
  if (list.some((a) => a.eventId === e.metadata.eventId)) return [];
  const moved = advanceHorizon(e, s);
  const before = coverage(list, s.horizon);
  const t = Date.parse(at(e));
  const { cuts, holder } = placeInterval(list, (a) => a.from, t);
  const count = (staffId: string, n: number) => {
    s.openCounts.set(staffId, (s.openCounts.get(staffId) ?? 0) + n);
    return upsert('sc_open_assignments', { staff_id: staffId, customers: n });
  };
  const effects = [...moved, ...nextInterval('sc_assignments', { customer_id: customerId }, cuts.map((c) => ({ eventId: c.interval.eventId, to: c.to })), e, { manager_id: managerId })];
  for (const c of cuts) c.interval.to = c.to;
  effects.push(...(holder ? [count(holder.managerId, -1)] : []), count(managerId, 1));
  const next: Assignment = { eventId: e.metadata.eventId, seq: seqOf(e), managerId, from: t, to: null };
  list.push(next);
  for (const x of coverageDeltas(before, coverage(list, s.horizon), s.contactedMonths.get(customerId) ?? new Set())) effects.push(adherence(x.period, x.staffId, x.assigned, x.assignedContacted));
  return effects;
}

/**
 * Whether `unitId` is in a wealth centre: it is one, or a unit above it is (a team inside a centre: 支行理财中心,
 * 网点理财室). `units` holds the unit and those above it (`ScorecardState.units`); a unit not in it is in none.
 */
export function inWealthCentre(units: ScorecardState['units'], unitId: string | null | undefined): boolean {
  for (let at = unitId, hops = 0; at && hops <= units.size; hops++) {
    const unit = units.get(at);
    if (!unit) return false;
    if (unit.wealthCentre) return true;
    at = unit.parentId;
  }
  return false;
}

/**
 * A transfer supersedes the stays recorded before it from its business time on (`placeInterval`, the
 * rule of assignments and staff moves). Into a wealth centre (the centre or a team inside it, `inWealthCentre`), the stay keeps its referrer: from another
 * centre, that stay's, or none when no sub-branch referred the customer there (onboarded in a centre, moved up
 * without a manager): a centre never becomes a referring sub-branch; from a sub-branch, the manager at the move's
 * business time (the one rule, not the event's `fromStaffId`, which names the manager when it was recorded) and
 * the unit the customer left (影子考核: the referrer and the referring sub-branch). Once per transfer; a customer
 * never onboarded is ignored.
 */
function transferred(e: RecordedEvent, s: ScorecardState, customerId: string, toUnitId: string): Effect[] {
  const stays = s.stays.get(customerId);
  if (!stays?.length || stays.some((x) => x.eventId === e.metadata.eventId)) return [];
  const t = Date.parse(at(e));
  const left = stayAt(stays, t, seqOf(e));
  const manager = managerAt(s.assignments.get(customerId), t, seqOf(e));
  const movedUp = left && manager ? { staffId: manager, unitId: left.unitId } : null;
  const referrer = !inWealthCentre(s.units, toUnitId) ? null : left && inWealthCentre(s.units, left.unitId) ? left.referrer : movedUp;
  const { cuts } = placeInterval(stays, (x) => x.from, t);
  stays.push({ eventId: e.metadata.eventId, seq: seqOf(e), unitId: toUnitId, from: t, referrer });
  const closed = cuts.map((c) => ({ eventId: c.interval.eventId, to: c.to }));
  return nextInterval('sc_customer_stays', { customer_id: customerId }, closed, e, { unit_id: toUnitId, referrer_id: referrer?.staffId ?? null, referring_unit_id: referrer?.unitId ?? null });
}

/**
 * The shadow split of a sale dated in `stay` (影子考核): the referrer keeps the sale, in the sub-branch
 * they moved the customer up from; the manager at the sale is scored on it in the stay's centre. None
 * outside a centre, without a manager, or when the manager is the referrer (never credited twice).
 */
function shadowAt(stay: CustomerStay | undefined, managerId: string | null) {
  const r = stay?.referrer;
  if (!stay || !r || !managerId || managerId === r.staffId) return null;
  return { referringManagerId: r.staffId, referringUnitId: r.unitId, centreManagerId: managerId, centreId: stay.unitId };
}

/** What a credit adds to its person's month (`sign` −1 when reversed). */
const creditCounts = (kind: string, conversions: number, revenueFen: number, pointsHundredths: number, sign: 1 | -1) => ({
  conversions: kind === 'sale' ? sign * conversions : 0,
  referrals: kind === 'referral' ? sign : 0,
  revenue_fen: kind === 'shadow' ? 0 : sign * revenueFen,
  points_hundredths: kind === 'shadow' ? 0 : sign * pointsHundredths,
  shadow_hundredths: kind === 'shadow' ? sign * pointsHundredths : 0,
});

/**
 * What one event does to the scorecard's rows, given the state of the rows it is about (pure but
 * for recording its own decisions in `s`, which later events of the batch read).
 */
export function scorecardEffects(e: RecordedEvent, s: ScorecardState): Effect[] {
  const x = d(e);
  switch (e.type) {
    case 'ScoringRulesSet':
      s.rules = { ...DEFAULT_SCORING, ...x.rules, ...s.overrides };
      return [upsert('sc_settings', { id: 1, rules: JSON.stringify(x.rules) })];
    case 'OrgUnitOpened':
      if (!s.units.has(x.unitId)) s.units.set(x.unitId, { parentId: x.parentId, wealthCentre: x.wealthCentre });
      return [upsert('sc_units', { unit_id: x.unitId, parent_id: x.parentId, name: x.name, wealth_centre: x.wealthCentre })];
    // The unit someone is registered in holds from the beginning of the log until they first move.
    case 'StaffMemberRegistered': {
      if (s.staffUnits.get(x.staffId)?.length) return [];
      const since: StaffInterval[] = [{ eventId: e.metadata.eventId, seq: seqOf(e), unitId: x.unitId, validFrom: null }];
      s.staffUnits.set(x.staffId, since);
      return [
        ...recovered(s, x.staffId, [], since),
        upsert('sc_staff', { staff_id: x.staffId, unit_id: x.unitId, role: x.role, display_name: x.displayName }),
        upsert('sc_staff_units', { staff_id: x.staffId, event_id: e.metadata.eventId, seq: seqOf(e).toString(), unit_id: x.unitId, valid_from: null, valid_to: null }),
      ];
    }
    // A move supersedes the units recorded before it from its business time on, and holds now (the last recorded; once per move).
    case 'StaffMemberMoved': {
      const intervals = s.staffUnits.get(x.staffId) ?? [];
      if (intervals.some((i) => i.eventId === e.metadata.eventId)) return [];
      const t = Date.parse(at(e));
      const { cuts } = placeInterval(intervals, (i) => i.validFrom, t);
      const now = [...intervals, { eventId: e.metadata.eventId, seq: seqOf(e), unitId: x.toUnitId, validFrom: t }];
      s.staffUnits.set(x.staffId, now);
      const closed = cuts.map((c) => ({ eventId: c.interval.eventId, to: c.to }));
      return [...recovered(s, x.staffId, intervals, now), update('sc_staff', { staff_id: x.staffId, unit_id: x.toUnitId }), ...nextInterval('sc_staff_units', { staff_id: x.staffId }, closed, e, { unit_id: x.toUnitId })];
    }
    case 'StaffRoleChanged':
      return [update('sc_staff', { staff_id: x.staffId, role: x.to })];
    case 'ProductDefined':
    case 'ProductUpdated':
      s.weights.set(x.productCode, String(x.weight));
      return [upsert('sc_products', { product_code: x.productCode, weight: x.weight })];
    case 'TargetSet':
      return [upsert('sc_targets', { subject_id: x.subjectId, period: x.period, points_hundredths: toHundredths(x.points) })];
    // The unit a customer is onboarded into holds from the beginning of the log until they are first transferred.
    case 'CustomerOnboarded': {
      if (s.stays.get(x.customerId)?.length) return [];
      s.stays.set(x.customerId, [{ eventId: e.metadata.eventId, seq: seqOf(e), unitId: x.homeUnitId, from: null, referrer: null }]);
      const row = { customer_id: x.customerId, event_id: e.metadata.eventId, seq: seqOf(e).toString(), unit_id: x.homeUnitId, valid_from: null, valid_to: null, referrer_id: null, referring_unit_id: null };
      return [upsert('sc_customer_stays', row)];
    }
    // The history of assignments in business time: whom each sale credits (the manager at the sale) and adherence.
    case 'CustomerAssignedToManager':
      return reassigned(e, s, x.customerId, x.staffId);
    case 'CustomerTransferred':
      return transferred(e, s, x.customerId, x.toUnitId);
    // Credited to the customer's manager at the sale's business time (客户归属考核; whatever order the assignments and
    // the sale were recorded in), each person under their unit then, in the sale's business month; at the weights and
    // rules of the time; once per credit. Shadow scoring (影子考核) when the sale is dated in a stay in a wealth centre
    // (by the same rule, whatever order the transfers and the sale were recorded in): the sale to the stay's referrer
    // in the sub-branch they moved the customer up from, the shadow to the manager at the sale in the stay's centre;
    // unless that manager is the referrer themselves: then the sale is simply theirs (never credited twice).
    case 'ConversionRecorded': {
      const t = Date.parse(at(e));
      const managerId = managerAt(s.assignments.get(x.customerId), t, seqOf(e));
      const shadow = shadowAt(stayAt(s.stays.get(x.customerId), t, seqOf(e)), managerId);
      const credits = creditsFor(
        { revenueFen: toFen(x.revenue)!, weight: s.weights.get(x.productCode) ?? '0', sellerStaffId: x.staffId, referrerStaffId: x.referrerStaffId ?? null, managerId, shadow },
        s.rules,
      );
      const key = saleKey(x.customerId, x.conversionId);
      const known = s.credits.get(key) ?? [];
      const period = businessMonth(at(e));
      const effects: Effect[] = [];
      for (const credit of credits) {
        if (known.some((k) => k.kind === credit.kind)) continue;
        const unitId = shadow && credit.kind === 'shadow' ? shadow.centreId : shadow && credit.kind === 'sale' ? shadow.referringUnitId : unitAt(s.staffUnits.get(credit.staffId), t, seqOf(e));
        known.push({ staffId: credit.staffId, unitId, period, kind: credit.kind, conversions: credit.conversions, revenueFen: credit.revenueFen, pointsHundredths: credit.pointsHundredths, reversed: false });
        effects.push(
          upsert('sc_credits', {
            staff_id: credit.staffId,
            unit_id: unitId,
            period,
            customer_id: x.customerId,
            conversion_id: x.conversionId,
            product_code: x.productCode,
            kind: credit.kind,
            conversions: credit.conversions,
            revenue_fen: credit.revenueFen,
            points_hundredths: credit.pointsHundredths,
            event_id: e.metadata.eventId,
            occurred_at: at(e),
          }),
          ...month(s, credit.staffId, unitId, period, creditCounts(credit.kind, credit.conversions, credit.revenueFen, credit.pointsHundredths, 1)),
        );
      }
      s.credits.set(key, known);
      return effects;
    }
    // A reversal takes the sale's credits off the months they were added to (once: only credits not yet reversed).
    case 'ConversionReversed':
      return (s.credits.get(saleKey(x.customerId, x.conversionId)) ?? [])
        .filter((k) => !k.reversed)
        .flatMap((k) => {
          k.reversed = true;
          return [update('sc_credits', { customer_id: x.customerId, conversion_id: x.conversionId, kind: k.kind, reversed: true }), ...month('there', k.staffId, k.unitId, k.period, creditCounts(k.kind, k.conversions, k.revenueFen, k.pointsHundredths, -1))];
        });
    case 'CustomerContacted':
      return activity(e, s, 'contact');
    case 'ComplaintRecorded':
      return activity(e, s, 'complaint');
    case 'OfferBlockedAsUnsuitable':
      return activity(e, s, 'unsuitable');
    default:
      return [];
  }
}

const EVENT_TYPES = [
  'ScoringRulesSet',
  'OrgUnitOpened',
  'StaffMemberRegistered',
  'StaffMemberMoved',
  'StaffRoleChanged',
  'ProductDefined',
  'ProductUpdated',
  'TargetSet',
  'CustomerOnboarded',
  'CustomerAssignedToManager',
  'CustomerTransferred',
  'ConversionRecorded',
  'ConversionReversed',
  'CustomerContacted',
  'ComplaintRecorded',
  'OfferBlockedAsUnsuitable',
];

/**
 * Who scores what, month by month, at the product weights, ownership and scoring rules of the
 * time: each sale, complaint and unsuitable attempt under the organisation's settings in force
 * when it was recorded, with `overrides` (a what-if rule set) put over them throughout.
 */
export function staffScorecardProjectionWith(overrides: Partial<ScoringRules>) {
  return effectProjection<ScorecardState>({
    name: 'staff-scorecard',
    // 6: effects, written by the runner; 7: adherence and customers contacted as counters; 8: event times to the millisecond (occurredAt);
    // 9: a sale credits the manager assigned at its business time (sc_customers.manager_id dropped); intervals by the write side's rule (the last recorded holds);
    // 10: a customer's stays (in a wealth centre among them) as intervals of business time by the same rule (sc_customer_stays replaces sc_customers);
    // 11: a unit inside a wealth centre (a team of the centre) is in the centre: a transfer into it keeps a referrer (影子考核), one out of it to another centre keeps the stay's;
    //     each unit's month summed as counters (sc_unit_month), sc_person_month indexed by score (a page read in order, ranks counted in the index);
    //     a transfer out of the unit a customer was onboarded into in the same batch reads that unit (it was taken for outside any centre)
    // 12: each unit's people per month as deltas (sc_unit_people) and who is of two units in a month (sc_month_movers), by each
    //     person's coverage (staff-scorecard.people.ts): the scorecard no longer reads the month's person-unit pairs to count them
    version: 12,
    dependsOnTimeZone: true, // every credit's business month
    tables: STAFF_SCORECARD_TABLES,
    eventTypes: EVENT_TYPES,
    state: (tx, events) => loadScorecardState(tx, events, overrides),
    effects: scorecardEffects,
  });
}

/** The live scorecard, under the organisation's scoring settings as they were set. */
export const staffScorecardProjection = staffScorecardProjectionWith({});
