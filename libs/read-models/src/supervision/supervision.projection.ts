import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { applyInRuns } from '../runner/runs';
import { insertMany } from '../runner/sql';
import { SUPERVISION_TABLES } from './supervision.tables';
import { data as d } from '../runner/event-fields';


const HANDLERS: Record<string, (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<unknown>> = {
  CustomerOnboarded: (tx, events) =>
    insertMany(tx, 'sv_customers', [['customer_id', 'text'], ['unit_id', 'text']], events.map((e) => [d(e).customerId, d(e).homeUnitId]), 'ON CONFLICT (customer_id) DO NOTHING'),
  CustomerTransferred: async (tx, events) => {
    for (const e of events) await tx.query(`UPDATE sv_customers SET unit_id = $2 WHERE customer_id = $1`, [d(e).customerId, d(e).toUnitId]);
  },
  VipCardApplied: (tx, events) =>
    insertMany(
      tx,
      'sv_applications',
      [['customer_id', 'text'], ['application_id', 'text'], ['tier', 'text'], ['special', 'boolean'], ['applied_at', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).applicationId, d(e).tier, d(e).special, e.metadata.occurredAt]),
      'ON CONFLICT (customer_id, application_id) DO NOTHING',
    ),
  VipCardApplicationApproved: (tx, events) =>
    tx.query(
      `UPDATE sv_applications a SET approved_at = v.at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(c, id, at)
       WHERE a.customer_id = v.c AND a.application_id = v.id`,
      [events.map((e) => d(e).customerId), events.map((e) => d(e).applicationId), events.map((e) => e.metadata.occurredAt)],
    ),
  VipCardApplicationRefused: (tx, events) =>
    tx.query(`UPDATE sv_applications a SET refused = true FROM unnest($1::text[], $2::text[]) AS v(c, id) WHERE a.customer_id = v.c AND a.application_id = v.id`, [
      events.map((e) => d(e).customerId),
      events.map((e) => d(e).applicationId),
    ]),
  VipCardIssued: (tx, events) =>
    insertMany(
      tx,
      'sv_cards',
      [['customer_id', 'text'], ['card_id', 'text'], ['application_id', 'text'], ['tier', 'text'], ['special', 'boolean'], ['unit_id', 'text'], ['issued_at', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).cardId, d(e).applicationId, d(e).tier, d(e).special, d(e).unitId, e.metadata.occurredAt]),
      'ON CONFLICT (customer_id, card_id) DO NOTHING',
    ),
  // The tier an annual review gave the card is what it should have from then on (reviewed_tier);
  // any other change (no reason recorded) leaves the application's tier as the measure. One row per
  // card: its last tier in the run, and the tier its last review in the run gave it, if any.
  VipCardTierChanged: (tx, events) => {
    const cards = new Map<string, { customerId: string; cardId: string; tier: string; reviewed: string | null }>();
    for (const e of events) {
      const key = `${d(e).customerId} ${d(e).cardId}`;
      const reviewed = d(e).reason === 'annual_review' ? (d(e).to as string) : (cards.get(key)?.reviewed ?? null);
      cards.set(key, { customerId: d(e).customerId, cardId: d(e).cardId, tier: d(e).to, reviewed });
    }
    const rows = [...cards.values()];
    return tx.query(
      `UPDATE sv_cards c SET tier = v.t, reviewed_tier = COALESCE(v.r, c.reviewed_tier) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(c, id, t, r)
       WHERE c.customer_id = v.c AND c.card_id = v.id`,
      [rows.map((r) => r.customerId), rows.map((r) => r.cardId), rows.map((r) => r.tier), rows.map((r) => r.reviewed)],
    );
  },
  ComplaintRecorded: (tx, events) =>
    insertMany(
      tx,
      'sv_complaints',
      [['customer_id', 'text'], ['complaint_id', 'text'], ['category', 'text'], ['staff_id', 'text'], ['campaign_id', 'text'], ['answer_due_by', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).complaintId, d(e).category, d(e).staffId ?? null, d(e).campaignId ?? null, d(e).answerDueBy]),
      'ON CONFLICT (customer_id, complaint_id) DO NOTHING',
    ),
  ComplaintAnswered: (tx, events) =>
    tx.query(`UPDATE sv_complaints c SET answered_at = v.at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(c, id, at) WHERE c.customer_id = v.c AND c.complaint_id = v.id`, [
      events.map((e) => d(e).customerId),
      events.map((e) => d(e).complaintId),
      events.map((e) => e.metadata.occurredAt),
    ]),
  VipCardCancelled: (tx, events) =>
    tx.query(`UPDATE sv_cards c SET cancelled_at = v.at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(c, id, at) WHERE c.customer_id = v.c AND c.card_id = v.id`, [
      events.map((e) => d(e).customerId),
      events.map((e) => d(e).cardId),
      events.map((e) => e.metadata.occurredAt),
    ]),
};

/**
 * VIP card applications and cards, as the daily supervision report reads them (开卡未申请/申请未开卡/级别不一致),
 * and complaints with their deadlines.
 */
export const supervisionProjection: Projection = {
  name: 'supervision',
  version: 4,
  tables: SUPERVISION_TABLES,
  eventTypes: Object.keys(HANDLERS),
  apply: applyInRuns(HANDLERS),
};
