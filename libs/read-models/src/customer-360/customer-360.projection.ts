import type { PoolClient } from 'pg';
import { toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, update, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { CUSTOMER_360_TABLES } from './customer-360.tables';

/** The channels each customer of the batch's consent events has opted out of, read once per batch and kept in log order. */
export type OptedOut = Map<string, string[]>;

const CONSENT = new Set(['ConsentWithdrawn', 'ConsentGranted']);

export async function loadOptedOut(tx: PoolClient, events: readonly RecordedEvent[]): Promise<OptedOut> {
  const ids = [...new Set(events.filter((e) => CONSENT.has(e.type)).map((e) => d(e).customerId as string))];
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; opted_out: string[] }>(`SELECT customer_id, opted_out FROM c360_customers WHERE customer_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.customer_id, r.opted_out]));
}

/** What one event does to the customer-360 rows, given the channels opted out of (which it keeps up to date). */
export function customer360Effects(e: RecordedEvent, optedOut: OptedOut): Effect[] {
  const x = d(e);
  const customer = (columns: Record<string, unknown>) => update('c360_customers', { customer_id: x.customerId, ...columns });
  switch (e.type) {
    case 'CustomerOnboarded':
      if (!optedOut.has(x.customerId)) optedOut.set(x.customerId, []);
      return [insert('c360_customers', { customer_id: x.customerId, unit_id: x.homeUnitId, segment: x.segment, gender: x.gender, onboarded_at: at(e) })];
    case 'CustomerTierChanged':
      return [
        insert('c360_tier_history', { customer_id: x.customerId, month: x.month, from_tier: x.from, to_tier: x.to, average_fen: toFen(x.threeMonthAverage) }),
        customer({ tier: x.to }),
      ];
    case 'CustomerAssignedToManager':
      return [customer({ manager_id: x.staffId })];
    case 'CustomerTransferred':
      return [customer({ unit_id: x.toUnitId })];
    // Contact is opt-out: the customer view lists the channels opted out of (a grant undoes one).
    case 'ConsentWithdrawn':
    case 'ConsentGranted': {
      const now = optedOut.get(x.customerId);
      if (!now) return [];
      const next = e.type === 'ConsentWithdrawn' ? [...new Set([...now, x.channel as string])].sort() : now.filter((c) => c !== x.channel);
      optedOut.set(x.customerId, next);
      return [customer({ opted_out: next })];
    }
    case 'RiskProfileAssessed':
      return [customer({ risk_tolerance: x.tolerance, risk_assessed_at: x.assessedAt, risk_valid_until: x.validUntil })];
    case 'VipCardIssued':
      return [customer({ card_id: x.cardId, card_tier: x.tier, card_valid_until: x.validUntil })];
    case 'VipCardTierChanged':
      return [customer({ card_tier: x.to })];
    case 'VipCardCancelled':
      return [customer({ card_id: null, card_tier: null, card_valid_until: null })];
    case 'CustomerContacted':
      return [insert('c360_contacts', { customer_id: x.customerId, contact_id: x.contactId, occurred_at: at(e), channel: x.channel, staff_id: x.staffId, campaign_id: x.campaignId, outcome_note: x.outcomeNote })];
    case 'CustomerEnrolledInCampaign':
      return [insert('c360_enrolments', { customer_id: x.customerId, campaign_id: x.campaignId, grp: x.group, enrolled_at: at(e) })];
    default:
      return [];
  }
}

/** One customer seen whole: tier and its history, manager, unit, channels opted out of, risk profile, contacts, campaigns, card. */
export const customer360Projection = effectProjection<OptedOut>({
  name: 'customer-360',
  // 4: a contact's outcome is a note in the PII vault (its id here), never the text; 5: effects, written by the runner.
  version: 5,
  tables: CUSTOMER_360_TABLES,
  eventTypes: [
    'CustomerOnboarded',
    'CustomerTierChanged',
    'CustomerAssignedToManager',
    'CustomerTransferred',
    'ConsentWithdrawn',
    'ConsentGranted',
    'RiskProfileAssessed',
    'VipCardIssued',
    'VipCardTierChanged',
    'VipCardCancelled',
    'CustomerContacted',
    'CustomerEnrolledInCampaign',
  ],
  state: loadOptedOut,
  effects: customer360Effects,
});
