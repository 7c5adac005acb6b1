import type { PoolClient } from 'pg';
import { businessDay, businessMonth, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, update, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { CUSTOMER_360_TABLES } from './customer-360.tables';

/** The channels each customer of the batch's consent events has opted out of, read once per batch and kept in log order. */
export type OptedOut = Map<string, string[]>;

/** Per customer, per product: the last holding period and whether it is still open. */
export type HoldingPeriods = Map<string, Map<string, { period: number; open: boolean }>>;

/** What the batch's effects depend on, read once per batch and kept up to date as the batch is folded. */
export interface Customer360State {
  readonly optedOut: OptedOut;
  readonly holdings: HoldingPeriods;
}

const CONSENT = new Set(['ConsentWithdrawn', 'ConsentGranted']);
const HOLDING = new Set(['BalanceSnapshotRecorded', 'ConversionRecorded']);

const idsOf = (events: readonly RecordedEvent[], types: Set<string>) => [...new Set(events.filter((e) => types.has(e.type)).map((e) => d(e).customerId as string))];

export async function loadOptedOut(tx: PoolClient, events: readonly RecordedEvent[]): Promise<OptedOut> {
  const ids = idsOf(events, CONSENT);
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; opted_out: string[] }>(`SELECT customer_id, opted_out FROM c360_customers WHERE customer_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.customer_id, r.opted_out]));
}

/** Every customer of the batch's snapshots and sales gets an entry (empty when they hold nothing yet). */
export async function loadHoldingPeriods(tx: PoolClient, events: readonly RecordedEvent[]): Promise<HoldingPeriods> {
  const ids = idsOf(events, HOLDING);
  const periods: HoldingPeriods = new Map(ids.map((id) => [id, new Map()]));
  if (ids.length === 0) return periods;
  const { rows } = await tx.query<{ customer_id: string; product_code: string; period: number; open: boolean }>(
    `SELECT DISTINCT ON (customer_id, product_code) customer_id, product_code, period, closed_at IS NULL AS open
       FROM c360_holdings WHERE customer_id = ANY($1::text[]) ORDER BY customer_id, product_code, period DESC`,
    [ids],
  );
  for (const r of rows) periods.get(r.customer_id)!.set(r.product_code, { period: Number(r.period), open: r.open });
  return periods;
}

export async function loadCustomer360State(tx: PoolClient, events: readonly RecordedEvent[]): Promise<Customer360State> {
  return { optedOut: await loadOptedOut(tx, events), holdings: await loadHoldingPeriods(tx, events) };
}

/**
 * What a snapshot or a sale does to the holdings (the domain's rule, `evolveTier`): a snapshot
 * replaces them (products it lists open a period if none is open, open ones it leaves out close in
 * its month); a sale opens a period for a product not held, or counts one more sale in the open one.
 * A reversed sale leaves the holding as it is, as the domain does (the next snapshot tells).
 */
export function holdingEffects(e: RecordedEvent, periods: HoldingPeriods): Effect[] {
  const x = d(e);
  const customerId = x.customerId as string;
  let held = periods.get(customerId);
  if (!held) periods.set(customerId, (held = new Map()));
  const open = (productCode: string, source: 'sale' | 'snapshot') => {
    const period = (held!.get(productCode)?.period ?? 0) + 1;
    held!.set(productCode, { period, open: true });
    const sale = source === 'sale';
    return insert('c360_holdings', {
      customer_id: customerId,
      product_code: productCode,
      period,
      source,
      since_at: at(e),
      since_month: sale ? businessMonth(at(e)) : x.month,
      since_day: sale ? businessDay(at(e)) : null,
      sales: sale ? 1 : 0,
    });
  };
  if (e.type === 'ConversionRecorded') {
    const now = held.get(x.productCode);
    if (now?.open) return [update('c360_holdings', { customer_id: customerId, product_code: x.productCode, period: now.period, sales: 1 })];
    return [open(x.productCode, 'sale')];
  }
  const listed = new Set(x.holdings as string[]);
  const effects: Effect[] = [];
  for (const [productCode, h] of [...held.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!h.open || listed.has(productCode)) continue;
    held.set(productCode, { period: h.period, open: false });
    effects.push(update('c360_holdings', { customer_id: customerId, product_code: productCode, period: h.period, closed_at: at(e), closed_month: x.month }));
  }
  for (const productCode of [...listed].sort()) if (!held.get(productCode)?.open) effects.push(open(productCode, 'snapshot'));
  return effects;
}

/** What one event does to the customer-360 rows, given the state it depends on (which it keeps up to date). */
export function customer360Effects(e: RecordedEvent, state: Customer360State): Effect[] {
  const x = d(e);
  const optedOut = state.optedOut;
  const customer = (columns: Record<string, unknown>) => update('c360_customers', { customer_id: x.customerId, ...columns });
  switch (e.type) {
    case 'CustomerOnboarded':
      if (!optedOut.has(x.customerId)) optedOut.set(x.customerId, []);
      return [insert('c360_customers', { customer_id: x.customerId, unit_id: x.homeUnitId, segment: x.segment, gender: x.gender, onboarded_at: at(e) })];
    case 'CustomerTierChanged':
      return [
        insert('c360_tier_history', { customer_id: x.customerId, month: x.month, from_tier: x.from, to_tier: x.to, average_fen: toFen(x.threeMonthAverage), recorded_at: at(e) }),
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
    case 'BalanceSnapshotRecorded':
    case 'ConversionRecorded':
      return holdingEffects(e, state.holdings);
    case 'CustomerEnrolledInCampaign':
      return [insert('c360_enrolments', { customer_id: x.customerId, campaign_id: x.campaignId, grp: x.group, enrolled_at: at(e) })];
    default:
      return [];
  }
}

/** One customer seen whole: tier and its history, manager, unit, channels opted out of, risk profile, contacts, campaigns, card, product holdings. */
export const customer360Projection = effectProjection<Customer360State>({
  name: 'customer-360',
  // 4: a contact's outcome is a note in the PII vault (its id here), never the text; 5: effects, written by the runner;
  // 6: product holdings (c360_holdings) and when each tier change was recorded.
  version: 6,
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
    'BalanceSnapshotRecorded',
    'ConversionRecorded',
  ],
  state: loadCustomer360State,
  effects: customer360Effects,
});
