import type { PoolClient } from 'pg';
import { businessMonth, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { applyInRuns } from '../runner/runs';
import { insertMany } from '../runner/sql';
import { CROSS_SELLING_TABLES } from './cross-selling.tables';
import { data as d, lastPer } from '../runner/event-fields';


const HANDLERS: Record<string, (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<unknown>> = {
  CustomerOnboarded: (tx, events) =>
    insertMany(tx, 'xs_customers', [['customer_id', 'text'], ['unit_id', 'text']], events.map((e) => [d(e).customerId, d(e).homeUnitId]), 'ON CONFLICT (customer_id) DO NOTHING'),
  // The last transfer of each customer in the batch: an UPDATE … FROM with two rows for one customer takes either.
  CustomerTransferred: (tx, events) => {
    const last = lastPer(events, (e) => d(e).customerId);
    return tx.query(`UPDATE xs_customers c SET unit_id = v.u FROM unnest($1::text[], $2::text[]) AS v(id, u) WHERE c.customer_id = v.id`, [
      last.map((e) => d(e).customerId),
      last.map((e) => d(e).toUnitId),
    ]);
  },
  // The monthly snapshot from core banking is the authority on what a customer holds.
  BalanceSnapshotRecorded: (tx, events) =>
    tx.query(
      `INSERT INTO xs_monthly (customer_id, month, unit_id, products, assets_fen)
       SELECT v.id, v.month, COALESCE(c.unit_id, ''), v.products, v.assets FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS v(id, month, products, assets)
       LEFT JOIN xs_customers c ON c.customer_id = v.id
       ON CONFLICT (customer_id, month) DO NOTHING`,
      [events.map((e) => d(e).customerId), events.map((e) => d(e).month), events.map((e) => new Set(d(e).holdings).size), events.map((e) => toFen(d(e).averageDailyAssets))],
    ),
  CampaignLaunched: (tx, events) =>
    insertMany(tx, 'xs_campaigns', [['campaign_id', 'text'], ['launched_month', 'text']], events.map((e) => [d(e).campaignId, businessMonth(e.metadata.occurredAt)]), 'ON CONFLICT (campaign_id) DO NOTHING'),
  CampaignCompleted: (tx, events) => closed(tx, events),
  CampaignCancelled: (tx, events) => closed(tx, events),
  CustomerEnrolledInCampaign: (tx, events) =>
    insertMany(
      tx,
      'xs_participants',
      [['campaign_id', 'text'], ['customer_id', 'text'], ['grp', 'text']],
      events.map((e) => [d(e).campaignId, d(e).customerId, d(e).group]),
      'ON CONFLICT (campaign_id, customer_id) DO NOTHING',
    ),
  CrossSellReferred: (tx, events) =>
    insertMany(
      tx,
      'xs_referrals',
      [['customer_id', 'text'], ['referral_id', 'text'], ['referrer', 'text'], ['seller', 'text'], ['product', 'text'], ['referred_at', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).referralId, d(e).referrerStaffId, d(e).sellerStaffId, d(e).productCode, e.metadata.occurredAt]),
      'ON CONFLICT (customer_id, referral_id) DO NOTHING',
    ),
  // A referral converts when a sale names it.
  ConversionRecorded: (tx, events) => {
    const named = events.filter((e) => d(e).referralId);
    if (named.length === 0) return Promise.resolve();
    return tx.query(`UPDATE xs_referrals r SET converted = true FROM unnest($1::text[], $2::text[]) AS v(c, id) WHERE r.customer_id = v.c AND r.referral_id = v.id`, [
      named.map((e) => d(e).customerId),
      named.map((e) => d(e).referralId),
    ]);
  },
};

function closed(tx: PoolClient, events: readonly RecordedEvent[]) {
  return tx.query(`UPDATE xs_campaigns k SET closed_month = v.m FROM unnest($1::text[], $2::text[]) AS v(id, m) WHERE k.campaign_id = v.id`, [
    events.map((e) => d(e).campaignId),
    events.map((e) => businessMonth(e.metadata.occurredAt)),
  ]);
}

/** Products per customer over time, referrals and their outcome, for cross-selling figures (000, 001, 004). */
export const crossSellingProjection: Projection = {
  name: 'cross-selling',
  version: 2,
  tables: CROSS_SELLING_TABLES,
  eventTypes: Object.keys(HANDLERS),
  apply: applyInRuns(HANDLERS),
};
