import type { PoolClient } from 'pg';
import { businessMonth, creditsFor, DEFAULT_SCORING, toFen, type ScoringRules } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { runsOfSameType } from '../runner/runs';
import { STAFF_SCORECARD_TABLES } from './staff-scorecard.tables';
import { data as d, occurredAt as at, col, lastPer } from '../runner/event-fields';

type Rows = readonly RecordedEvent[];
/** `rulesAt(e)`: the scoring rules in force when `e` was written (the settings the log had set by then). */
type Handler = (tx: PoolClient, events: Rows, rulesAt: (e: RecordedEvent) => ScoringRules) => Promise<unknown>;

/**
 * Contacts, complaints and unsuitable attempts, counted per person per month; a complaint or an
 * unsuitable attempt carries the penalty in force when it was recorded.
 */
const activity =
  (kind: 'contact' | 'complaint' | 'unsuitable', key: (e: RecordedEvent) => string, staff: (e: RecordedEvent) => string | null): Handler =>
  (tx, events, rulesAt) => {
    const rows = events.filter((e) => staff(e));
    if (rows.length === 0) return Promise.resolve();
    const penalty = (e: RecordedEvent) => (kind === 'complaint' ? rulesAt(e).complaintPenalty : kind === 'unsuitable' ? rulesAt(e).unsuitablePenalty : 0);
    return tx.query(
      `INSERT INTO sc_activity (activity_key, staff_id, period, kind, customer_id, occurred_at, penalty)
       SELECT v.k, v.s, v.p, $6, v.c, v.t, v.n FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $7::numeric[]) AS v(k, s, p, c, t, n)
       ON CONFLICT (activity_key) DO NOTHING`,
      [col(rows, (e) => `${kind}:${key(e)}`), col(rows, (e) => staff(e)!), col(rows, (e) => businessMonth(at(e))), col(rows, (e) => d(e).customerId), col(rows, at), kind, col(rows, penalty)],
    );
  };

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
  StaffMemberRegistered: (tx, events) =>
    tx.query(
      `INSERT INTO sc_staff (staff_id, unit_id, role, display_name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (staff_id) DO NOTHING`,
      [col(events, (e) => d(e).staffId), col(events, (e) => d(e).unitId), col(events, (e) => d(e).role), col(events, (e) => d(e).displayName)],
    ),
  StaffMemberMoved: (tx, events) => {
    const last = lastPer(events, (e) => d(e).staffId);
    return tx.query(`UPDATE sc_staff s SET unit_id = v.u FROM unnest($1::text[], $2::text[]) AS v(id, u) WHERE s.staff_id = v.id`, [
      col(last, (e) => d(e).staffId),
      col(last, (e) => d(e).toUnitId),
    ]);
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
      `INSERT INTO sc_targets (subject_id, period, points) SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[])
       ON CONFLICT (subject_id, period) DO UPDATE SET points = EXCLUDED.points`,
      [col(last, (e) => d(e).subjectId), col(last, (e) => d(e).period), col(last, (e) => d(e).points)],
    );
  },
  CustomerOnboarded: (tx, events) =>
    tx.query(`INSERT INTO sc_customers (customer_id, unit_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (customer_id) DO NOTHING`, [
      col(events, (e) => d(e).customerId),
      col(events, (e) => d(e).homeUnitId),
    ]),
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
        Number(r.weight),
      ]),
    );
    const rows = events.flatMap((e) => {
      const c = customers.get(d(e).customerId);
      const shadow = c?.in_centre && c.referring_manager_id && c.manager_id ? { referringManagerId: c.referring_manager_id, centreManagerId: c.manager_id } : null;
      const credits = creditsFor(
        {
          revenueFen: toFen(d(e).revenue)!,
          weight: weights.get(d(e).productCode) ?? 0,
          sellerStaffId: d(e).staffId,
          referrerStaffId: d(e).referrerStaffId ?? null,
          managerId: c?.manager_id ?? null,
          shadow,
        },
        rulesAt(e),
      );
      return credits.map((credit) => ({ e, credit }));
    });
    await tx.query(
      `INSERT INTO sc_credits (credit_key, staff_id, period, customer_id, conversion_id, product_code, kind, conversions, revenue_fen, points, event_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::numeric[], $11::uuid[], $12::timestamptz[])
       ON CONFLICT (credit_key) DO NOTHING`,
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
        rows.map(({ credit }) => credit.points),
        rows.map(({ e }) => e.metadata.eventId),
        rows.map(({ e }) => at(e)),
      ],
    );
  },
  ConversionReversed: (tx, events) =>
    tx.query(
      `UPDATE sc_credits c SET reversed = true FROM unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id)
       WHERE c.customer_id = v.customer_id AND c.conversion_id = v.conversion_id`,
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
 * Activity rows are keyed by their own ids and depend on nothing else the projection writes (their
 * penalty comes from the rules in force, fixed in log order before anything is applied): they can go after the rest.
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
    version: 4,
    tables: STAFF_SCORECARD_TABLES,
    eventTypes: Object.keys(HANDLERS),
    async apply(tx, events) {
      const rulesAt = await rulesInForce(tx, events, overrides);
      // Credits depend on ownership and weights at the time of each sale: those events keep log order.
      for (const run of runsOfSameType(events.filter((e) => !ACTIVITY.has(e.type)))) await HANDLERS[run[0]!.type]!(tx, run, rulesAt);
      for (const run of runsOfSameType(events.filter((e) => ACTIVITY.has(e.type)).sort((a, b) => a.type.localeCompare(b.type)))) await HANDLERS[run[0]!.type]!(tx, run, rulesAt);
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
