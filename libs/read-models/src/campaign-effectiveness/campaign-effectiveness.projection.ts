import type { PoolClient } from 'pg';
import { toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { applyInGroups } from '../runner/runs';
import { CAMPAIGN_EFFECTIVENESS_TABLES } from './campaign-effectiveness.tables';
import { data as d, occurredAt as at, col, lastPer } from '../runner/event-fields';

type Rows = readonly RecordedEvent[];
type Handler = (tx: PoolClient, events: Rows) => Promise<unknown>;

const fen = (amount: string) => toFen(amount)!;

/** Sets a campaign's status (and optionally a time column) for a run of lifecycle events. */
const status =
  (value: string, timeColumn?: 'closed_at'): Handler =>
  (tx, events) =>
    tx.query(
      `UPDATE ce_campaigns c SET status = $3 ${timeColumn ? `, ${timeColumn} = v.at` : ''}
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE c.campaign_id = v.id`,
      [col(events, (e) => d(e).campaignId), col(events, at), value],
    );

/** The first time each participant reached a funnel stage, kept as the earliest seen (idempotent). */
const firstReached =
  (...columns: ('first_contacted_at' | 'first_offered_at' | 'first_accepted_at' | 'took_part_at')[]): Handler =>
  (tx, events) => {
    const tagged = events.filter((e) => d(e).campaignId);
    if (tagged.length === 0) return Promise.resolve();
    return tx.query(
      `UPDATE ce_participants p SET ${columns.map((column) => `${column} = LEAST(COALESCE(p.${column}, v.at), v.at)`).join(', ')}
       FROM (SELECT campaign_id, customer_id, min(at) AS at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS x(campaign_id, customer_id, at)
             GROUP BY campaign_id, customer_id) v
       WHERE p.campaign_id = v.campaign_id AND p.customer_id = v.customer_id`,
      [col(tagged, (e) => d(e).campaignId), col(tagged, (e) => d(e).customerId), col(tagged, at)],
    );
  };

/** From when a customer's unit or tier held: one row per change, keyed so a replayed batch adds nothing. */
const history =
  (table: 'ce_customer_units' | 'ce_customer_tiers', column: 'unit_id' | 'tier', value: (e: RecordedEvent) => string): Handler =>
  (tx, events) =>
    tx.query(
      `INSERT INTO ${table} (customer_id, valid_from, seq, ${column}) SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[]) ON CONFLICT DO NOTHING`,
      [col(events, (e) => d(e).customerId), col(events, at), col(events, (e) => e.position.prepare.toString()), col(events, value)],
    );

const HANDLERS: Record<string, Handler> = {
  CampaignDrafted: (tx, events) =>
    tx.query(
      `INSERT INTO ce_campaigns (campaign_id, name, owner_unit_id, product_codes, channels, status, budget_fen, control_percent, period_start, period_end)
       SELECT v.id, v.name, v.owner, ARRAY(SELECT jsonb_array_elements_text(v.products)), ARRAY(SELECT jsonb_array_elements_text(v.channels)),
              'draft', v.budget, v.control, v.start, v.end_
       FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::bigint[], $7::int[], $8::timestamptz[], $9::timestamptz[])
         AS v(id, name, owner, products, channels, budget, control, start, end_)
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
      ],
    ),
  CampaignSubmitted: status('submitted'),
  CampaignApproved: status('approved'),
  CampaignRejected: status('rejected'),
  CampaignLaunched: (tx, events) =>
    tx.query(
      `UPDATE ce_campaigns c SET status = 'launched', launched_at = v.at, treatment_count = v.t, control_count = v.c
       FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[]) AS v(id, at, t, c) WHERE c.campaign_id = v.id`,
      [col(events, (e) => d(e).campaignId), col(events, at), col(events, (e) => d(e).treatmentCount), col(events, (e) => d(e).controlCount)],
    ),
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
    await tx.query(
      `INSERT INTO ce_participants (campaign_id, customer_id, grp, enrolled_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT (campaign_id, customer_id) DO NOTHING`,
      params,
    );
    // Sales already seen for these customers count too: the pairs do not depend on which came first in the log.
    await tx.query(
      `INSERT INTO ce_group_conversions (campaign_id, conversion_id, customer_id, grp)
       SELECT p.campaign_id, v.conversion_id, v.customer_id, p.grp
       FROM unnest($1::text[], $2::text[]) AS n(campaign_id, customer_id)
       JOIN ce_participants p ON p.campaign_id = n.campaign_id AND p.customer_id = n.customer_id
       JOIN ce_campaigns k ON k.campaign_id = p.campaign_id
       JOIN ce_conversions v ON v.customer_id = p.customer_id AND v.product_code = ANY(k.product_codes)
       ON CONFLICT DO NOTHING`,
      [params[0], params[1]],
    );
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
    await tx.query(
      `INSERT INTO ce_group_conversions (campaign_id, conversion_id, customer_id, grp)
       SELECT p.campaign_id, v.conversion_id, v.customer_id, p.grp
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v(conversion_id, customer_id, product_code)
       JOIN ce_participants p ON p.customer_id = v.customer_id
       JOIN ce_campaigns k ON k.campaign_id = p.campaign_id AND v.product_code = ANY(k.product_codes)
       ON CONFLICT DO NOTHING`,
      [params[0], params[2], params[4]],
    );
  },
  ConversionReversed: (tx, events) =>
    tx.query(
      `UPDATE ce_conversions c SET reversed = true FROM unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id)
       WHERE c.customer_id = v.customer_id AND c.conversion_id = v.conversion_id`,
      [col(events, (e) => d(e).customerId), col(events, (e) => d(e).conversionId)],
    ),
  CampaignCostRecorded: (tx, events) =>
    tx.query(
      `INSERT INTO ce_costs (cost_id, campaign_id, amount_fen, customer_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) ON CONFLICT (cost_id) DO NOTHING`,
      [col(events, (e) => `${d(e).campaignId}:${d(e).costId}`), col(events, (e) => d(e).campaignId), col(events, (e) => fen(d(e).amount)), col(events, (e) => d(e).customerId), col(events, at)],
    ),
  ComplaintRecorded: (tx, events) => {
    const tagged = events.filter((e) => d(e).campaignId);
    if (tagged.length === 0) return Promise.resolve();
    return tx.query(
      `INSERT INTO ce_complaints (complaint_id, campaign_id, customer_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (complaint_id) DO NOTHING`,
      [col(tagged, (e) => `${d(e).customerId}:${d(e).complaintId}`), col(tagged, (e) => d(e).campaignId), col(tagged, (e) => d(e).customerId), col(tagged, at)],
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

/** The facts behind campaign effectiveness, written with one multi-row statement per group of a batch. */
export const campaignEffectivenessProjection: Projection = {
  name: 'campaign-effectiveness',
  version: 4,
  tables: CAMPAIGN_EFFECTIVENESS_TABLES,
  eventTypes: Object.keys(HANDLERS),
  apply: applyInGroups(GROUPS, HANDLERS),
};
