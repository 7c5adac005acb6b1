import type { PoolClient } from 'pg';
import { toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { applyInGroups } from '../runner/runs';
import { insertMany } from '../runner/sql';
import { CUSTOMER_360_TABLES } from './customer-360.tables';
import { data as d, occurredAt as at } from '../runner/event-fields';


/** Sets columns of `c360_customers` from each event, one at a time in log order (for the rare, order-sensitive ones). */
const update =
  (set: string, values: (e: RecordedEvent) => unknown[]) =>
  async (tx: PoolClient, events: readonly RecordedEvent[]) => {
    for (const e of events) await tx.query(`UPDATE c360_customers SET ${set} WHERE customer_id = $1`, [d(e).customerId, ...values(e)]);
  };

/** Sets columns from the last event per customer in the group, in one statement. */
const latest =
  (columns: readonly (readonly [name: string, pgType: string])[], values: (e: RecordedEvent) => unknown[]) =>
  (tx: PoolClient, events: readonly RecordedEvent[]) => {
    const last = [...new Map(events.map((e) => [d(e).customerId as string, e])).values()];
    const sets = columns.map(([n], i) => `${n} = v.c${i}`).join(', ');
    const arrays = columns.map(([, t], i) => `$${i + 2}::${t}[]`).join(', ');
    const names = columns.map((_, i) => `c${i}`).join(', ');
    return tx.query(`UPDATE c360_customers x SET ${sets} FROM unnest($1::text[], ${arrays}) AS v(id, ${names}) WHERE x.customer_id = v.id`, [
      last.map((e) => d(e).customerId),
      ...columns.map((_, i) => last.map((e) => values(e)[i])),
    ]);
  };

const HANDLERS: Record<string, (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<unknown>> = {
  CustomerOnboarded: (tx, events) =>
    insertMany(
      tx,
      'c360_customers',
      [['customer_id', 'text'], ['unit_id', 'text'], ['segment', 'text'], ['gender', 'text'], ['onboarded_at', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).homeUnitId, d(e).segment, d(e).gender, at(e)]),
      'ON CONFLICT (customer_id) DO NOTHING',
    ),
  CustomerTierChanged: async (tx, events) => {
    await insertMany(
      tx,
      'c360_tier_history',
      [['customer_id', 'text'], ['month', 'text'], ['from_tier', 'text'], ['to_tier', 'text'], ['average_fen', 'bigint']],
      events.map((e) => [d(e).customerId, d(e).month, d(e).from, d(e).to, toFen(d(e).threeMonthAverage)]),
      'ON CONFLICT (customer_id, month) DO NOTHING',
    );
    await latest([['tier', 'text']], (e) => [d(e).to])(tx, events);
  },
  CustomerAssignedToManager: latest([['manager_id', 'text']], (e) => [d(e).staffId]),
  CustomerTransferred: latest([['unit_id', 'text']], (e) => [d(e).toUnitId]),
  // Contact is opt-out: the customer view lists the channels opted out of (a grant undoes one).
  ConsentWithdrawn: update('opted_out = (SELECT array_agg(DISTINCT c ORDER BY c) FROM unnest(array_append(opted_out, $2)) c)', (e) => [d(e).channel]),
  ConsentGranted: update('opted_out = array_remove(opted_out, $2)', (e) => [d(e).channel]),
  RiskProfileAssessed: latest(
    [['risk_tolerance', 'text'], ['risk_assessed_at', 'timestamptz'], ['risk_valid_until', 'timestamptz']],
    (e) => [d(e).tolerance, d(e).assessedAt, d(e).validUntil],
  ),
  VipCardIssued: update('card_id = $2, card_tier = $3, card_valid_until = $4', (e) => [d(e).cardId, d(e).tier, d(e).validUntil]),
  VipCardTierChanged: update('card_tier = $2', (e) => [d(e).to]),
  VipCardCancelled: update('card_id = NULL, card_tier = NULL, card_valid_until = NULL', () => []),
  CustomerContacted: (tx, events) =>
    insertMany(
      tx,
      'c360_contacts',
      [['customer_id', 'text'], ['contact_id', 'text'], ['occurred_at', 'timestamptz'], ['channel', 'text'], ['staff_id', 'text'], ['campaign_id', 'text'], ['outcome_note', 'text']],
      events.map((e) => [d(e).customerId, d(e).contactId, at(e), d(e).channel, d(e).staffId, d(e).campaignId, d(e).outcomeNote]),
      'ON CONFLICT (customer_id, contact_id) DO NOTHING',
    ),
  CustomerEnrolledInCampaign: (tx, events) =>
    insertMany(
      tx,
      'c360_enrolments',
      [['customer_id', 'text'], ['campaign_id', 'text'], ['grp', 'text'], ['enrolled_at', 'timestamptz']],
      events.map((e) => [d(e).customerId, d(e).campaignId, d(e).group, at(e)]),
      'ON CONFLICT (customer_id, campaign_id) DO NOTHING',
    ),
};

/**
 * Groups applied in this order within a batch, one statement per group: each column is written
 * by one group only (consent and card events, which undo each other, go one by one in log order).
 */
const GROUPS: readonly (readonly string[])[] = [
  ['CustomerOnboarded'],
  ['CustomerTierChanged'],
  ['CustomerAssignedToManager'],
  ['CustomerTransferred'],
  ['ConsentGranted', 'ConsentWithdrawn'],
  ['RiskProfileAssessed'],
  ['VipCardIssued', 'VipCardTierChanged', 'VipCardCancelled'],
  ['CustomerContacted'],
  ['CustomerEnrolledInCampaign'],
];

/** One customer seen whole: tier and its history, manager, unit, channels opted out of, risk profile, contacts, campaigns, card. */
export const customer360Projection: Projection = {
  name: 'customer-360',
  // 4: a contact's outcome is a note in the PII vault (its id here), never the text.
  version: 4,
  tables: CUSTOMER_360_TABLES,
  eventTypes: Object.keys(HANDLERS),
  apply: applyInGroups(GROUPS, HANDLERS),
};
