import type { PoolClient } from 'pg';
import { businessMonth, creditsFor, DEFAULT_SCORING, toFen, toHundredths, type ScoringRules } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { runsOfSameType } from '../runner/runs';
import { STAFF_SCORECARD_TABLES } from './staff-scorecard.tables';
import { data as d, occurredAt as at, col, lastPer } from '../runner/event-fields';

type Rows = readonly RecordedEvent[];
/** `rulesAt(e)`: the scoring rules in force when `e` was written (the settings the log had set by then). */
type Handler = (tx: PoolClient, events: Rows, rulesAt: (e: RecordedEvent) => ScoringRules) => Promise<unknown>;

/**
 * The unit a person was in at `t` (business time), as the log knew it at position `pos` (where the
 * fact was recorded): of the intervals opened by then, the last to start at or before `t`. So a
 * fact's unit does not depend on where batches happen to end; '' when the log never registered them.
 */
const UNIT_AT = (s: string, t: string, pos: string) =>
  `COALESCE((SELECT u.unit_id FROM sc_staff_units u WHERE u.staff_id = ${s} AND u.seq <= ${pos} AND (u.valid_from IS NULL OR u.valid_from <= ${t})
     ORDER BY u.valid_from DESC NULLS LAST, u.seq DESC LIMIT 1), '')`;
const position = (e: RecordedEvent) => e.position.prepare.toString();

/** Adds the rows a statement's CTE `${from}` returned (new facts) to the person-unit-month counters, with `sign` -1 for reversed ones. */
const COUNT_INTO_MONTHS = (from: string, sign: 1 | -1, columns: Record<string, string>) => {
  const names = Object.keys(columns);
  return `INSERT INTO sc_person_month (staff_id, unit_id, period, ${names.join(', ')})
     SELECT staff_id, unit_id, period, ${names.map((n) => `${sign} * COALESCE(${columns[n]}, 0)`).join(', ')} FROM ${from} GROUP BY staff_id, unit_id, period
     ON CONFLICT (period, unit_id, staff_id) DO UPDATE SET ${names.map((n) => `${n} = sc_person_month.${n} + EXCLUDED.${n}`).join(', ')}`;
};

const CREDIT_COUNTERS = {
  conversions: `sum(conversions) FILTER (WHERE kind = 'sale')`,
  referrals: `count(*) FILTER (WHERE kind = 'referral')`,
  revenue_fen: `sum(revenue_fen) FILTER (WHERE kind IN ('sale', 'referral'))`,
  points_hundredths: `sum(points_hundredths) FILTER (WHERE kind IN ('sale', 'referral'))`,
  shadow_hundredths: `sum(points_hundredths) FILTER (WHERE kind = 'shadow')`,
};

/**
 * Contacts, complaints and unsuitable attempts, counted per person, their unit then, and month; a
 * complaint or an unsuitable attempt carries the penalty in force when it was recorded.
 */
const activity =
  (kind: 'contact' | 'complaint' | 'unsuitable', key: (e: RecordedEvent) => string, staff: (e: RecordedEvent) => string | null): Handler =>
  (tx, events, rulesAt) => {
    const rows = events.filter((e) => staff(e));
    if (rows.length === 0) return Promise.resolve();
    const penalty = (e: RecordedEvent) => (kind === 'complaint' ? toHundredths(rulesAt(e).complaintPenalty) : kind === 'unsuitable' ? toHundredths(rulesAt(e).unsuitablePenalty) : 0);
    return tx.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $7::bigint[], $8::bigint[]) AS v(k, s, p, c, t, n, pos)),
       ins AS (
         INSERT INTO sc_activity (activity_key, staff_id, unit_id, period, kind, customer_id, occurred_at, penalty_hundredths)
         SELECT v.k, v.s, ${UNIT_AT('v.s', 'v.t', 'v.pos')}, v.p, $6, v.c, v.t, v.n FROM v
         ON CONFLICT (activity_key) DO NOTHING
         RETURNING staff_id, unit_id, period, kind, customer_id, penalty_hundredths),
       contacted AS (
         INSERT INTO sc_contacted (staff_id, unit_id, period, customer_id) SELECT DISTINCT staff_id, unit_id, period, customer_id FROM ins WHERE kind = 'contact'
         ON CONFLICT DO NOTHING)
       ${COUNT_INTO_MONTHS('ins', 1, {
         contacts: `count(*) FILTER (WHERE kind = 'contact')`,
         complaints: `count(*) FILTER (WHERE kind = 'complaint')`,
         unsuitable: `count(*) FILTER (WHERE kind = 'unsuitable')`,
         penalty_hundredths: `sum(penalty_hundredths)`,
       })}`,
      [col(rows, (e) => `${kind}:${key(e)}`), col(rows, (e) => staff(e)!), col(rows, (e) => businessMonth(at(e))), col(rows, (e) => d(e).customerId), col(rows, at), kind, col(rows, penalty), col(rows, position)],
    );
  };

/**
 * Appends intervals of business time to a history table (`sc_staff_units`, `sc_assignments`): each
 * new event closes the open interval of its subject at its time and opens one from there. Events
 * already there (a batch applied again) are left out, so applying twice changes nothing.
 */
async function appendIntervals(tx: PoolClient, table: 'sc_staff_units' | 'sc_assignments', subjectColumn: string, valueColumn: string, events: Rows, subject: (e: RecordedEvent) => string, value: (e: RecordedEvent) => string) {
  const { rows: known } = await tx.query<{ event_id: string }>(
    `SELECT h.event_id FROM ${table} h JOIN unnest($1::text[], $2::uuid[]) AS v(s, e) ON h.${subjectColumn} = v.s AND h.event_id = v.e`,
    [col(events, subject), col(events, (e) => e.metadata.eventId)],
  );
  const done = new Set(known.map((r) => r.event_id));
  const fresh = events.filter((e) => !done.has(e.metadata.eventId));
  if (fresh.length === 0) return;
  const firstPer = [...new Map([...fresh].reverse().map((e) => [subject(e), e])).values()];
  await tx.query(`UPDATE ${table} h SET valid_to = v.t FROM unnest($1::text[], $2::timestamptz[]) AS v(s, t) WHERE h.${subjectColumn} = v.s AND h.valid_to IS NULL`, [col(firstPer, subject), col(firstPer, at)]);
  const next = (i: number) => fresh.slice(i + 1).find((e) => subject(e) === subject(fresh[i]!));
  await tx.query(
    `INSERT INTO ${table} (${subjectColumn}, event_id, seq, ${valueColumn}, valid_from, valid_to) SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[])`,
    [col(fresh, subject), col(fresh, (e) => e.metadata.eventId), col(fresh, position), col(fresh, value), col(fresh, at), fresh.map((_, i) => (next(i) ? at(next(i)!) : null))],
  );
}

/** Each event type's writer; sales are credited at the referral split in force when they were recorded. */
const HANDLERS: Record<string, Handler> = {
  // The bank's scoring rules from here on (apply() reads them in order); kept for the next batch.
  ScoringRulesSet: (tx, events) =>
    tx.query(`INSERT INTO sc_settings (id, rules) VALUES (1, $1::jsonb) ON CONFLICT (id) DO UPDATE SET rules = EXCLUDED.rules`, [JSON.stringify(d(events.at(-1)!).rules)]),
  OrgUnitOpened: (tx, events) =>
    tx.query(
      `INSERT INTO sc_units (unit_id, parent_id, name, wealth_centre) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
       ON CONFLICT (unit_id) DO NOTHING`,
      [col(events, (e) => d(e).unitId), col(events, (e) => d(e).parentId), col(events, (e) => d(e).name), col(events, (e) => d(e).wealthCentre)],
    ),
  // The unit someone is registered in holds from the beginning of the log until they first move.
  StaffMemberRegistered: async (tx, events) => {
    await tx.query(
      `INSERT INTO sc_staff (staff_id, unit_id, role, display_name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (staff_id) DO NOTHING`,
      [col(events, (e) => d(e).staffId), col(events, (e) => d(e).unitId), col(events, (e) => d(e).role), col(events, (e) => d(e).displayName)],
    );
    await tx.query(
      `INSERT INTO sc_staff_units (staff_id, event_id, seq, unit_id) SELECT v.s, v.e, v.p, v.u FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::text[]) AS v(s, e, p, u)
       WHERE NOT EXISTS (SELECT 1 FROM sc_staff_units x WHERE x.staff_id = v.s)`,
      [col(events, (e) => d(e).staffId), col(events, (e) => e.metadata.eventId), col(events, position), col(events, (e) => d(e).unitId)],
    );
  },
  StaffMemberMoved: async (tx, events) => {
    const last = lastPer(events, (e) => d(e).staffId);
    await tx.query(`UPDATE sc_staff s SET unit_id = v.u FROM unnest($1::text[], $2::text[]) AS v(id, u) WHERE s.staff_id = v.id`, [
      col(last, (e) => d(e).staffId),
      col(last, (e) => d(e).toUnitId),
    ]);
    await appendIntervals(tx, 'sc_staff_units', 'staff_id', 'unit_id', events, (e) => d(e).staffId, (e) => d(e).toUnitId);
  },
  StaffRoleChanged: (tx, events) => {
    const last = lastPer(events, (e) => d(e).staffId);
    return tx.query(`UPDATE sc_staff s SET role = v.r FROM unnest($1::text[], $2::text[]) AS v(id, r) WHERE s.staff_id = v.id`, [col(last, (e) => d(e).staffId), col(last, (e) => d(e).to)]);
  },
  ProductDefined: (tx, events) => upsertWeights(tx, events),
  ProductUpdated: (tx, events) => upsertWeights(tx, events),
  TargetSet: (tx, events) => {
    const last = lastPer(events, (e) => `${d(e).subjectId} ${d(e).period}`);
    return tx.query(
      `INSERT INTO sc_targets (subject_id, period, points_hundredths) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (subject_id, period) DO UPDATE SET points_hundredths = EXCLUDED.points_hundredths`,
      [col(last, (e) => d(e).subjectId), col(last, (e) => d(e).period), col(last, (e) => toHundredths(d(e).points))],
    );
  },
  CustomerOnboarded: (tx, events) =>
    tx.query(`INSERT INTO sc_customers (customer_id, unit_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (customer_id) DO NOTHING`, [
      col(events, (e) => d(e).customerId),
      col(events, (e) => d(e).homeUnitId),
    ]),
  // The manager on file, whom the sales recorded next credit (log order); the history of
  // assignments (business time, for adherence) is appended once per batch, after the rest.
  CustomerAssignedToManager: (tx, events) => {
    const last = lastPer(events, (e) => d(e).customerId);
    return tx.query(`UPDATE sc_customers c SET manager_id = v.m FROM unnest($1::text[], $2::text[]) AS v(id, m) WHERE c.customer_id = v.id`, [
      col(last, (e) => d(e).customerId),
      col(last, (e) => d(e).staffId),
    ]);
  },
  // Moving up to a wealth centre keeps the referring manager for scoring; moving out ends the shadow.
  CustomerTransferred: async (tx, events) => {
    for (const e of events) {
      await tx.query(
        `UPDATE sc_customers c SET unit_id = $2,
           in_centre = COALESCE((SELECT wealth_centre FROM sc_units WHERE unit_id = $2), false),
           referring_manager_id = CASE WHEN COALESCE((SELECT wealth_centre FROM sc_units WHERE unit_id = $2), false)
                                       THEN COALESCE(c.referring_manager_id, $3) ELSE NULL END
         WHERE c.customer_id = $1`,
        [d(e).customerId, d(e).toUnitId, d(e).fromStaffId],
      );
    }
  },
  ConversionRecorded: async (tx, events, rulesAt) => {
    const customers = new Map(
      (await tx.query(`SELECT * FROM sc_customers WHERE customer_id = ANY($1::text[])`, [col(events, (e) => d(e).customerId)])).rows.map((r) => [r.customer_id, r]),
    );
    const weights = new Map(
      (await tx.query(`SELECT product_code, weight FROM sc_products WHERE product_code = ANY($1::text[])`, [col(events, (e) => d(e).productCode)])).rows.map((r) => [
        r.product_code,
        r.weight as string,
      ]),
    );
    const rows = events.flatMap((e) => {
      const c = customers.get(d(e).customerId);
      const shadow = c?.in_centre && c.referring_manager_id && c.manager_id ? { referringManagerId: c.referring_manager_id, centreManagerId: c.manager_id } : null;
      const credits = creditsFor(
        {
          revenueFen: toFen(d(e).revenue)!,
          weight: weights.get(d(e).productCode) ?? '0',
          sellerStaffId: d(e).staffId,
          referrerStaffId: d(e).referrerStaffId ?? null,
          managerId: c?.manager_id ?? null,
          shadow,
        },
        rulesAt(e),
      );
      return credits.map((credit) => ({ e, credit }));
    });
    // The credited person's unit is the one they were in when the sale happened; the counters take only credits new to the table.
    await tx.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::bigint[], $11::uuid[], $12::timestamptz[], $13::bigint[])
                  AS v(k, s, p, c, conv, prod, kind, n, fen, pts, ev, t, pos)),
       ins AS (
         INSERT INTO sc_credits (credit_key, staff_id, unit_id, period, customer_id, conversion_id, product_code, kind, conversions, revenue_fen, points_hundredths, event_id, occurred_at)
         SELECT v.k, v.s, ${UNIT_AT('v.s', 'v.t', 'v.pos')}, v.p, v.c, v.conv, v.prod, v.kind, v.n, v.fen, v.pts, v.ev, v.t FROM v
         ON CONFLICT (credit_key) DO NOTHING
         RETURNING *)
       ${COUNT_INTO_MONTHS('ins', 1, CREDIT_COUNTERS)}`,
      [
        rows.map(({ e, credit }) => `${d(e).customerId}:${d(e).conversionId}:${credit.kind}`),
        rows.map(({ credit }) => credit.staffId),
        rows.map(({ e }) => businessMonth(at(e))),
        rows.map(({ e }) => d(e).customerId),
        rows.map(({ e }) => d(e).conversionId),
        rows.map(({ e }) => d(e).productCode),
        rows.map(({ credit }) => credit.kind),
        rows.map(({ credit }) => credit.conversions),
        rows.map(({ credit }) => credit.revenueFen),
        rows.map(({ credit }) => credit.pointsHundredths),
        rows.map(({ e }) => e.metadata.eventId),
        rows.map(({ e }) => at(e)),
        rows.map(({ e }) => position(e)),
      ],
    );
  },
  // A reversal takes the sale's credits off the counters they were added to (once: only credits not yet reversed).
  ConversionReversed: (tx, events) =>
    tx.query(
      `WITH r AS (
         UPDATE sc_credits c SET reversed = true FROM unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id)
         WHERE c.customer_id = v.customer_id AND c.conversion_id = v.conversion_id AND NOT c.reversed
         RETURNING c.*)
       ${COUNT_INTO_MONTHS('r', -1, CREDIT_COUNTERS)}`,
      [col(events, (e) => d(e).customerId), col(events, (e) => d(e).conversionId)],
    ),
  CustomerContacted: activity('contact', (e) => `${d(e).customerId}:${d(e).contactId}`, (e) => d(e).staffId),
  ComplaintRecorded: activity('complaint', (e) => `${d(e).customerId}:${d(e).complaintId}`, (e) => d(e).staffId ?? null),
  OfferBlockedAsUnsuitable: activity('unsuitable', (e) => e.metadata.eventId, (e) => d(e).staffId),
};

function upsertWeights(tx: PoolClient, events: Rows) {
  const last = lastPer(events, (e) => d(e).productCode);
  return tx.query(
    `INSERT INTO sc_products (product_code, weight) SELECT * FROM unnest($1::text[], $2::numeric[])
     ON CONFLICT (product_code) DO UPDATE SET weight = EXCLUDED.weight`,
    [col(last, (e) => d(e).productCode), col(last, (e) => d(e).weight)],
  );
}

/**
 * Activity rows are keyed by their own ids and depend on nothing else the projection writes but
 * the person's unit at their own business time (the intervals, whatever the order in the batch) and
 * the penalty in force (fixed in log order before anything is applied): they can go after the rest.
 */
const ACTIVITY = new Set(['CustomerContacted', 'ComplaintRecorded', 'OfferBlockedAsUnsuitable']);

/**
 * Who scores what, month by month, at the product weights, ownership and scoring rules of the
 * time: each sale, complaint and unsuitable attempt under the organisation's settings in force
 * when it was recorded, with `overrides` (a what-if rule set) put over them throughout.
 */
export function staffScorecardProjectionWith(overrides: Partial<ScoringRules>): Projection {
  return {
    name: 'staff-scorecard',
    version: 5,
    tables: STAFF_SCORECARD_TABLES,
    eventTypes: Object.keys(HANDLERS),
    async apply(tx, events) {
      const rulesAt = await rulesInForce(tx, events, overrides);
      // Credits depend on ownership and weights at the time of each sale: those events keep log order.
      for (const run of runsOfSameType(events.filter((e) => !ACTIVITY.has(e.type)))) await HANDLERS[run[0]!.type]!(tx, run, rulesAt);
      for (const run of runsOfSameType(events.filter((e) => ACTIVITY.has(e.type)).sort((a, b) => a.type.localeCompare(b.type)))) await HANDLERS[run[0]!.type]!(tx, run, rulesAt);
      // Nothing else reads the assignment history while a batch is applied: one append for the batch (in log order).
      const assignments = events.filter((e) => e.type === 'CustomerAssignedToManager');
      if (assignments.length) await appendIntervals(tx, 'sc_assignments', 'customer_id', 'manager_id', assignments, (e) => d(e).customerId, (e) => d(e).staffId);
    },
  };
}

/** The rules in force at each event of a batch: those set before it (in log order), over the defaults, under `overrides`. */
async function rulesInForce(tx: PoolClient, events: Rows, overrides: Partial<ScoringRules>): Promise<(e: RecordedEvent) => ScoringRules> {
  const { rows } = await tx.query<{ rules: ScoringRules }>(`SELECT rules FROM sc_settings WHERE id = 1`);
  let current: ScoringRules = { ...DEFAULT_SCORING, ...rows[0]?.rules, ...overrides };
  const at = new Map<RecordedEvent, ScoringRules>();
  for (const e of events) {
    if (e.type === 'ScoringRulesSet') current = { ...DEFAULT_SCORING, ...d(e).rules, ...overrides };
    at.set(e, current);
  }
  return (e) => at.get(e) ?? current;
}

/** The live scorecard, under the organisation's scoring settings as they were set. */
export const staffScorecardProjection: Projection = staffScorecardProjectionWith({});
