import type { PoolClient } from 'pg';
import { bankTimeZone, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { countingTriggers, type Projection } from '@app/read-models';

/**
 * The bench's baseline: campaign effectiveness as it was before it was given as data (main at
 * 18bd082, v5: its own SQL per group of a batch — sales recomputed by joins, places by lateral
 * lookups — and the same trigger-kept counters). Run beside the v6 projection on the same history.
 */
const d = (e: RecordedEvent) => e.data as Record<string, any>;
const at = (e: RecordedEvent) => e.metadata.occurredAt;
const col = <T>(events: readonly RecordedEvent[], f: (e: RecordedEvent) => T): T[] => events.map(f);
const lastPer = (events: readonly RecordedEvent[], key: (e: RecordedEvent) => string): RecordedEvent[] => [...new Map(events.map((e) => [key(e), e])).values()];
const applyInGroups =
  (order: readonly (readonly string[])[], handlers: Readonly<Record<string, Handler>>) =>
  async (tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> => {
    for (const types of order) {
      const group = events.filter((e) => types.includes(e.type));
      if (group.length === 0) continue;
      if (types.length === 1) await handlers[group[0]!.type]!(tx, group);
      else for (const e of group) await handlers[e.type]!(tx, [e]);
    }
  };

type Rows = readonly RecordedEvent[];
type Handler = (tx: PoolClient, events: Rows) => Promise<unknown>;

const fen = (amount: string) => toFen(amount)!;

/** Each lifecycle step with its business time and place in the log (the status as of a date reads it). */
const stateHistory = (value: string): Handler => (tx, events) =>
  tx.query(
    `INSERT INTO ce_campaign_states (campaign_id, at, seq, status)
     SELECT v.id, v.at, v.seq, $4 FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS v(id, at, seq) ON CONFLICT DO NOTHING`,
    [col(events, (e) => d(e).campaignId), col(events, at), col(events, (e) => e.position.prepare.toString()), value],
  );

/**
 * Recomputes, from the facts, the sales that count for each participant's group (a campaign
 * product, not reversed, between launch and close), for the participants `where` selects (over
 * `q`). Only rows whose figures change are written; the counters follow by trigger.
 */
const refreshSales = (tx: PoolClient, where: string, params: unknown[]) =>
  tx.query(
    `UPDATE ce_participants p SET sales = s.sales, revenue_fen = s.revenue
     FROM (SELECT q.campaign_id, q.customer_id, count(v.conversion_id) AS sales, COALESCE(sum(v.revenue_fen), 0) AS revenue
           FROM ce_participants q
           JOIN ce_campaigns k ON k.campaign_id = q.campaign_id
           LEFT JOIN ce_group_conversions g ON g.campaign_id = q.campaign_id AND g.customer_id = q.customer_id
           LEFT JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
             AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at)
           WHERE ${where} GROUP BY q.campaign_id, q.customer_id) s
     WHERE p.campaign_id = s.campaign_id AND p.customer_id = s.customer_id AND (p.sales, p.revenue_fen) IS DISTINCT FROM (s.sales, s.revenue)`,
    params,
  );
const salesOfCustomers = (tx: PoolClient, customerIds: string[]) => refreshSales(tx, `q.customer_id = ANY($1::text[])`, [[...new Set(customerIds)]]);
const salesOfCampaigns = (tx: PoolClient, campaignIds: string[]) => refreshSales(tx, `q.campaign_id = ANY($1::text[])`, [[...new Set(campaignIds)]]);

/**
 * Where participant `q` stood at enrolment: the unit that held then (or, for a backdated
 * onboarding, the first one known, with `unit_from` saying since when it holds) and the tier
 * ('ordinary' until a change says otherwise). Columns u.unit_id, u.valid_from, t.tier.
 */
const PLACE_OF_Q = `
  LEFT JOIN LATERAL (SELECT x.unit_id, x.valid_from FROM ce_customer_units x WHERE x.customer_id = q.customer_id
                     ORDER BY (x.valid_from <= q.enrolled_at) DESC,
                              CASE WHEN x.valid_from <= q.enrolled_at THEN x.valid_from END DESC NULLS LAST,
                              CASE WHEN x.valid_from <= q.enrolled_at THEN x.seq END DESC NULLS LAST,
                              x.valid_from, x.seq
                     LIMIT 1) u ON true
  LEFT JOIN LATERAL (SELECT x.tier FROM ce_customer_tiers x WHERE x.customer_id = q.customer_id AND x.valid_from <= q.enrolled_at
                     ORDER BY x.valid_from DESC, x.seq DESC LIMIT 1) t ON true`;

/** The participants of these customers, placed again after their unit or tier history changed; rewritten only where it changes. */
const refreshPlace = (tx: PoolClient, customerIds: string[]) =>
  tx.query(
    `UPDATE ce_participants p SET unit_id = COALESCE(u.unit_id, ''), unit_from = u.valid_from, tier = COALESCE(t.tier, 'ordinary')
     FROM ce_participants q ${PLACE_OF_Q}
     WHERE q.customer_id = ANY($1::text[]) AND p.campaign_id = q.campaign_id AND p.customer_id = q.customer_id
       AND (p.unit_id, p.unit_from, p.tier) IS DISTINCT FROM (COALESCE(u.unit_id, ''), u.valid_from, COALESCE(t.tier, 'ordinary'))`,
    [[...new Set(customerIds)]],
  );

/** The sales of the (campaign, customer) pairs an insert into ce_group_conversions returned. */
const salesOfPairs = (tx: PoolClient, pairs: readonly { campaign_id: string; customer_id: string }[]) =>
  pairs.length === 0
    ? Promise.resolve()
    : refreshSales(tx, `(q.campaign_id, q.customer_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, [pairs.map((r) => r.campaign_id), pairs.map((r) => r.customer_id)]);

/** Sets a campaign's status (and optionally a time column) for a run of lifecycle events; a close re-counts the sales in the run. */
const status =
  (value: string, timeColumn?: 'closed_at'): Handler =>
  async (tx, events) => {
    await tx.query(
      `UPDATE ce_campaigns c SET status = $3 ${timeColumn ? `, ${timeColumn} = v.at` : ''}
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE c.campaign_id = v.id`,
      [col(events, (e) => d(e).campaignId), col(events, at), value],
    );
    await stateHistory(value)(tx, events);
    if (timeColumn) await salesOfCampaigns(tx, col(events, (e) => d(e).campaignId));
  };

/** The first time each participant reached a funnel stage, kept as the earliest seen (idempotent); rows already earlier are not rewritten. */
const firstReached =
  (...columns: ('first_contacted_at' | 'first_offered_at' | 'first_accepted_at' | 'took_part_at')[]): Handler =>
  (tx, events) => {
    const tagged = events.filter((e) => d(e).campaignId);
    if (tagged.length === 0) return Promise.resolve();
    return tx.query(
      `UPDATE ce_participants p SET ${columns.map((column) => `${column} = LEAST(COALESCE(p.${column}, v.at), v.at)`).join(', ')}
       FROM (SELECT campaign_id, customer_id, min(at) AS at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(campaign_id, customer_id, at)
             GROUP BY campaign_id, customer_id) v
       WHERE p.campaign_id = v.campaign_id AND p.customer_id = v.customer_id
         AND (${columns.map((column) => `p.${column} IS NULL OR v.at < p.${column}`).join(' OR ')})`,
      [col(tagged, (e) => d(e).campaignId), col(tagged, (e) => d(e).customerId), col(tagged, at)],
    );
  };

/** From when a customer's unit or tier held: one row per change, keyed so a replayed batch adds nothing. */
const history =
  (table: 'ce_customer_units' | 'ce_customer_tiers', column: 'unit_id' | 'tier', value: (e: RecordedEvent) => string): Handler =>
  async (tx, events) => {
    await tx.query(
      `INSERT INTO ${table} (customer_id, valid_from, seq, ${column}) SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
      [col(events, (e) => d(e).customerId), col(events, at), col(events, (e) => e.position.prepare.toString()), col(events, value)],
    );
    await refreshPlace(tx, col(events, (e) => d(e).customerId));
  };

const HANDLERS: Record<string, Handler> = {
  CampaignDrafted: async (tx, events) => {
    await tx.query(
      `INSERT INTO ce_campaigns (campaign_id, name, owner_unit_id, product_codes, channels, status, budget_fen, control_percent, period_start, period_end, drafted_at)
       SELECT v.id, v.name, v.owner, ARRAY(SELECT jsonb_array_elements_text(v.products)), ARRAY(SELECT jsonb_array_elements_text(v.channels)),
              'draft', v.budget, v.control, v.start, v.end_, v.at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::bigint[], $7::int[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[])
         AS v(id, name, owner, products, channels, budget, control, start, end_, at)
       ON CONFLICT (campaign_id) DO NOTHING`,
      [
        col(events, (e) => d(e).campaignId),
        col(events, (e) => d(e).name),
        col(events, (e) => d(e).ownerUnitId),
        col(events, (e) => JSON.stringify(d(e).productCodes)),
        col(events, (e) => JSON.stringify(d(e).channels)),
        col(events, (e) => fen(d(e).budget)),
        col(events, (e) => d(e).controlGroupPercent),
        col(events, (e) => d(e).period.start),
        col(events, (e) => d(e).period.end),
        col(events, at),
      ],
    );
    await stateHistory('draft')(tx, events);
  },
  CampaignSubmitted: status('submitted'),
  CampaignApproved: status('approved'),
  CampaignRejected: status('rejected'),
  CampaignLaunched: async (tx, events) => {
    await tx.query(
      `UPDATE ce_campaigns c SET status = 'launched', launched_at = v.at, treatment_count = v.t, control_count = v.c
       FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[]) AS v(id, at, t, c) WHERE c.campaign_id = v.id`,
      [col(events, (e) => d(e).campaignId), col(events, at), col(events, (e) => d(e).treatmentCount), col(events, (e) => d(e).controlCount)],
    );
    await stateHistory('launched')(tx, events);
    await salesOfCampaigns(tx, col(events, (e) => d(e).campaignId));
  },
  CampaignCompleted: status('completed', 'closed_at'),
  CampaignCancelled: status('cancelled', 'closed_at'),
  CustomerOnboarded: async (tx, events) => {
    await tx.query(
      `INSERT INTO ce_customers (customer_id, unit_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (customer_id) DO UPDATE SET unit_id = EXCLUDED.unit_id`,
      [col(events, (e) => d(e).customerId), col(events, (e) => d(e).homeUnitId)],
    );
    await history('ce_customer_units', 'unit_id', (e) => d(e).homeUnitId)(tx, events);
  },
  CustomerTierChanged: async (tx, events) => {
    const last = lastPer(events, (e) => d(e).customerId);
    await tx.query(`UPDATE ce_customers c SET tier = v.tier FROM unnest($1::text[], $2::text[]) AS v(id, tier) WHERE c.customer_id = v.id`, [
      col(last, (e) => d(e).customerId),
      col(last, (e) => d(e).to),
    ]);
    await history('ce_customer_tiers', 'tier', (e) => d(e).to)(tx, events);
  },
  CustomerTransferred: async (tx, events) => {
    const last = lastPer(events, (e) => d(e).customerId);
    await tx.query(`UPDATE ce_customers c SET unit_id = v.unit FROM unnest($1::text[], $2::text[]) AS v(id, unit) WHERE c.customer_id = v.id`, [
      col(last, (e) => d(e).customerId),
      col(last, (e) => d(e).toUnitId),
    ]);
    await history('ce_customer_units', 'unit_id', (e) => d(e).toUnitId)(tx, events);
  },
  CustomerEnrolledInCampaign: async (tx, events) => {
    const params = [col(events, (e) => d(e).campaignId), col(events, (e) => d(e).customerId), col(events, (e) => d(e).group), col(events, at)];
    // Placed in their unit and tier at enrolment as they are inserted (counted once, where they belong).
    await tx.query(
      `INSERT INTO ce_participants (campaign_id, customer_id, grp, enrolled_at, unit_id, unit_from, tier)
       SELECT q.campaign_id, q.customer_id, q.grp, q.enrolled_at, COALESCE(u.unit_id, ''), u.valid_from, COALESCE(t.tier, 'ordinary')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS q(campaign_id, customer_id, grp, enrolled_at) ${PLACE_OF_Q}
       ON CONFLICT (campaign_id, customer_id) DO NOTHING`,
      params,
    );
    // Sales already seen for these customers count too: the pairs do not depend on which came first in the log.
    const { rows: paired } = await tx.query(
      `INSERT INTO ce_group_conversions (campaign_id, conversion_id, customer_id, grp)
       SELECT p.campaign_id, v.conversion_id, v.customer_id, p.grp
       FROM unnest($1::text[], $2::text[]) AS n(campaign_id, customer_id)
       JOIN ce_participants p ON p.campaign_id = n.campaign_id AND p.customer_id = n.customer_id
       JOIN ce_campaigns k ON k.campaign_id = p.campaign_id
       JOIN ce_conversions v ON v.customer_id = p.customer_id AND v.product_code = ANY(k.product_codes)
       ON CONFLICT DO NOTHING RETURNING campaign_id, customer_id`,
      [params[0], params[1]],
    );
    await salesOfPairs(tx, paired);
  },
  CustomerContacted: async (tx, events) => {
    const tagged = events.filter((e) => d(e).campaignId);
    if (tagged.length === 0) return;
    await tx.query(
      `INSERT INTO ce_contacts (contact_id, campaign_id, customer_id, staff_id, channel, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) ON CONFLICT (customer_id, contact_id) DO NOTHING`,
      [
        col(tagged, (e) => d(e).contactId),
        col(tagged, (e) => d(e).campaignId),
        col(tagged, (e) => d(e).customerId),
        col(tagged, (e) => d(e).staffId),
        col(tagged, (e) => d(e).channel),
        col(tagged, at),
      ],
    );
    await firstReached('first_contacted_at')(tx, tagged);
  },
  OfferPresented: firstReached('first_offered_at'),
  // Accepting one of the campaign's offers is taking part in it, as is a participation recorded as such.
  OfferAccepted: firstReached('first_accepted_at', 'took_part_at'),
  CustomerTookPartInCampaign: firstReached('took_part_at'),
  ConversionRecorded: async (tx, events) => {
    const params = [
      col(events, (e) => d(e).conversionId),
      col(events, (e) => e.metadata.eventId),
      col(events, (e) => d(e).customerId),
      col(events, (e) => d(e).staffId),
      col(events, (e) => d(e).productCode),
      col(events, (e) => fen(d(e).amount)),
      col(events, (e) => fen(d(e).revenue)),
      col(events, (e) => d(e).campaignId ?? null),
      col(events, at),
    ];
    await tx.query(
      `INSERT INTO ce_conversions (conversion_id, event_id, customer_id, staff_id, product_code, amount_fen, revenue_fen, campaign_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::timestamptz[])
       ON CONFLICT (customer_id, conversion_id) DO NOTHING`,
      params,
    );
    // Tagged or not: a sale of a campaign's product to one of its enrolled customers counts for their group.
    const { rows: paired } = await tx.query(
      `INSERT INTO ce_group_conversions (campaign_id, conversion_id, customer_id, grp)
       SELECT p.campaign_id, v.conversion_id, v.customer_id, p.grp
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v(conversion_id, customer_id, product_code)
       JOIN ce_participants p ON p.customer_id = v.customer_id
       JOIN ce_campaigns k ON k.campaign_id = p.campaign_id AND v.product_code = ANY(k.product_codes)
       ON CONFLICT DO NOTHING RETURNING campaign_id, customer_id`,
      [params[0], params[2], params[4]],
    );
    await salesOfPairs(tx, paired);
  },
  ConversionReversed: async (tx, events) => {
    await tx.query(
      `UPDATE ce_conversions c SET reversed = true, reversed_at = v.at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(customer_id, conversion_id, at)
       WHERE c.customer_id = v.customer_id AND c.conversion_id = v.conversion_id AND NOT c.reversed`,
      [col(events, (e) => d(e).customerId), col(events, (e) => d(e).conversionId), col(events, at)],
    );
    await salesOfCustomers(tx, col(events, (e) => d(e).customerId));
  },
  CampaignCostRecorded: (tx, events) =>
    tx.query(
      `INSERT INTO ce_costs (campaign_id, cost_id, amount_fen, customer_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) ON CONFLICT (campaign_id, cost_id) DO NOTHING`,
      [col(events, (e) => d(e).campaignId), col(events, (e) => d(e).costId), col(events, (e) => fen(d(e).amount)), col(events, (e) => d(e).customerId), col(events, at)],
    ),
  ComplaintRecorded: (tx, events) => {
    const tagged = events.filter((e) => d(e).campaignId);
    if (tagged.length === 0) return Promise.resolve();
    return tx.query(
      `INSERT INTO ce_complaints (customer_id, complaint_id, campaign_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (customer_id, complaint_id) DO NOTHING`,
      [col(tagged, (e) => d(e).customerId), col(tagged, (e) => d(e).complaintId), col(tagged, (e) => d(e).campaignId), col(tagged, at)],
    );
  },
};

/**
 * The order types are applied in within a batch. Every figure is independent of how events of
 * different groups interleave (funnel times are minimums, sale/enrolment pairs are matched from
 * both sides, unit and tier are read at query time), so a batch costs one statement per group.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['CampaignDrafted'],
  ['CampaignSubmitted', 'CampaignApproved', 'CampaignRejected', 'CampaignLaunched', 'CampaignCompleted', 'CampaignCancelled'],
  ['CustomerOnboarded'],
  ['CustomerTierChanged'],
  ['CustomerTransferred'],
  ['CustomerEnrolledInCampaign'],
  ['CustomerContacted'],
  ['OfferPresented'],
  ['OfferAccepted'],
  ['CustomerTookPartInCampaign'],
  ['ConversionRecorded'],
  ['ConversionReversed'],
  ['CampaignCostRecorded'],
  ['ComplaintRecorded'],
];

/**
 * The facts behind campaign effectiveness, written with one multi-row statement per group of a
 * batch, and the counters the answer reads, kept from them (v5: counters; their business days are
 * cut in BANK_TIME_ZONE as it was when the tables were built).
 */
export const campaignEffectivenessBefore: Projection = {
  name: 'campaign-effectiveness-before',
  version: 5,
  get tables() {
    return campaignEffectivenessTables(bankTimeZone());
  },
  eventTypes: Object.keys(HANDLERS),
  apply: applyInGroups(GROUPS, HANDLERS),
};


/**
 * The tables of this read model, created in whichever schema it is being built into (blue/green):
 * the facts, and the counters kept from them (`campaign-effectiveness.counters.ts`) that the
 * answer reads. `timeZone` cuts the business days of the daily counters.
 */
const campaignEffectivenessTables = (timeZone: string): string[] => [
  `CREATE TABLE ce_campaigns (
    campaign_id     text PRIMARY KEY,
    name            text NOT NULL,
    owner_unit_id   text NOT NULL,
    product_codes   text[] NOT NULL,
    channels        text[] NOT NULL,
    status          text NOT NULL,
    budget_fen      bigint NOT NULL,
    control_percent integer NOT NULL,
    period_start    timestamptz NOT NULL,
    period_end      timestamptz NOT NULL,
    launched_at     timestamptz,
    closed_at       timestamptz,
    treatment_count integer NOT NULL DEFAULT 0,
    control_count   integer NOT NULL DEFAULT 0,
    drafted_at      timestamptz
    )`,
  // Each lifecycle step with its business time; seq (the event's place in the log, ordered within the
  // campaign's own stream) breaks ties: the status as of a date.
  `CREATE TABLE ce_campaign_states (campaign_id text NOT NULL, at timestamptz NOT NULL, seq bigint NOT NULL, status text NOT NULL, PRIMARY KEY (campaign_id, seq))`,
  `CREATE TABLE ce_customers (customer_id text PRIMARY KEY, unit_id text NOT NULL, tier text NOT NULL DEFAULT 'ordinary')`,
  // The customer's unit and tier over time (from when each held, in business time; seq breaks
  // ties in log order), so a breakdown uses what held at enrolment, and a later move or tier
  // change never rewrites a past figure.
  `CREATE TABLE ce_customer_units (customer_id text NOT NULL, valid_from timestamptz NOT NULL, seq bigint NOT NULL, unit_id text NOT NULL, PRIMARY KEY (customer_id, valid_from, seq))`,
  `CREATE TABLE ce_customer_tiers (customer_id text NOT NULL, valid_from timestamptz NOT NULL, seq bigint NOT NULL, tier text NOT NULL, PRIMARY KEY (customer_id, valid_from, seq))`,
  `CREATE TABLE ce_participants (
    campaign_id        text NOT NULL,
    customer_id        text NOT NULL,
    grp                text NOT NULL,
    enrolled_at        timestamptz NOT NULL,
    first_contacted_at timestamptz,
    first_offered_at   timestamptz,
    first_accepted_at  timestamptz,
    -- took part (004 篇九 第三十条 2): recorded as such, or accepted one of the campaign's offers
    took_part_at       timestamptz,
    -- where the customer stood at enrolment (from ce_customer_units/_tiers; unit_from: since when that unit row holds)
    unit_id            text NOT NULL DEFAULT '',
    unit_from          timestamptz,
    tier               text NOT NULL DEFAULT 'ordinary',
    -- the sales that count for the participant's group (campaign product, in the run, not reversed)
    sales              integer NOT NULL DEFAULT 0,
    revenue_fen        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, customer_id)
    )`,
  `CREATE INDEX ce_participants_customer_idx ON ce_participants (customer_id)`,
  `CREATE TABLE ce_contacts (
    contact_id  text NOT NULL,
    campaign_id text NOT NULL,
    customer_id text NOT NULL,
    staff_id    text NOT NULL,
    channel     text NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (customer_id, contact_id)
    )`,
  `CREATE INDEX ce_contacts_campaign_idx ON ce_contacts (campaign_id)`,
  `CREATE TABLE ce_conversions (
    conversion_id text NOT NULL,
    event_id      uuid NOT NULL,
    customer_id   text NOT NULL,
    staff_id      text NOT NULL,
    product_code  text NOT NULL,
    amount_fen    bigint NOT NULL,
    revenue_fen   bigint NOT NULL,
    campaign_id   text,
    occurred_at   timestamptz NOT NULL,
    reversed      boolean NOT NULL DEFAULT false,
    reversed_at   timestamptz,
    PRIMARY KEY (customer_id, conversion_id)
    )`,
  `CREATE INDEX ce_conversions_campaign_idx ON ce_conversions (campaign_id)`,
  `CREATE TABLE ce_group_conversions (
    campaign_id   text NOT NULL,
    conversion_id text NOT NULL,
    customer_id   text NOT NULL,
    grp           text NOT NULL,
    PRIMARY KEY (campaign_id, customer_id, conversion_id)
    )`,
  `CREATE TABLE ce_costs (campaign_id text NOT NULL, cost_id text NOT NULL, amount_fen bigint NOT NULL, customer_id text, occurred_at timestamptz NOT NULL, PRIMARY KEY (campaign_id, cost_id))`,
  `CREATE TABLE ce_complaints (customer_id text NOT NULL, complaint_id text NOT NULL, campaign_id text NOT NULL, occurred_at timestamptz NOT NULL, PRIMARY KEY (customer_id, complaint_id))`,
  `CREATE INDEX ce_complaints_campaign_idx ON ce_complaints (campaign_id)`,
  ...countingTriggers(timeZone),
];
