import type { PoolClient } from 'pg';
import { businessDay, businessMonth, saleKey, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, remove, update, upsert, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { CUSTOMER_360_TABLES } from './customer-360.tables';

/** The channels each customer of the batch's consent events has opted out of, read once per batch and kept in log order. */
export type OptedOut = Map<string, string[]>;

/** A product's last holding period: whether it is still open, the month it began and how it began. */
export interface HoldingPeriod {
  readonly period: number;
  readonly open: boolean;
  readonly sinceMonth: string;
  readonly source: 'sale' | 'snapshot';
}
/** Per customer, per product: the last holding period. */
export type HoldingPeriods = Map<string, Map<string, HoldingPeriod>>;
/** Per period the batch touches (`periodKey`): the sales standing in it, the figure `c360_holdings.sales` is set to. */
export type PeriodSales = Map<string, number>;
/** `saleKey` → the period that sale counted in, and whether it was reversed: every sale of the batch already applied. */
export type SaleHoldings = Map<string, { productCode: string; period: number; reversed: boolean }>;

/** What the batch's effects depend on, read once per batch and kept up to date as the batch is folded. */
export interface Customer360State {
  readonly optedOut: OptedOut;
  readonly holdings: HoldingPeriods;
  readonly periodSales: PeriodSales;
  /** Per customer, the month of the latest snapshot applied to the holdings. */
  readonly snapshotMonths: Map<string, string>;
  readonly saleHoldings: SaleHoldings;
}

export const periodKey = (customerId: string, productCode: string, period: number) => `${customerId}\u0000${productCode}\u0000${period}`;

const CONSENT = new Set(['ConsentWithdrawn', 'ConsentGranted']);
const SALE = new Set(['ConversionRecorded', 'ConversionReversed']);
const HOLDING = new Set(['BalanceSnapshotRecorded', ...SALE]);

const idsOf = (events: readonly RecordedEvent[], types: Set<string>) => [...new Set(events.filter((e) => types.has(e.type)).map((e) => d(e).customerId as string))];

export async function loadOptedOut(tx: PoolClient, events: readonly RecordedEvent[]): Promise<OptedOut> {
  const ids = idsOf(events, CONSENT);
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; opted_out: string[] }>(`SELECT customer_id, opted_out FROM c360_customers WHERE customer_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.customer_id, r.opted_out]));
}

/** Every customer of the batch's snapshots and sales (`ids`) gets an entry (empty when they hold nothing yet); each last period's sales go to `sales`. */
export async function loadHoldingPeriods(tx: PoolClient, ids: readonly string[], sales: PeriodSales = new Map()): Promise<HoldingPeriods> {
  const periods: HoldingPeriods = new Map(ids.map((id) => [id, new Map()]));
  if (ids.length === 0) return periods;
  const { rows } = await tx.query<{ customer_id: string; product_code: string; period: number; open: boolean; since_month: string; source: 'sale' | 'snapshot'; sales: number }>(
    `SELECT DISTINCT ON (customer_id, product_code) customer_id, product_code, period, closed_at IS NULL AS open, since_month, source, sales
       FROM c360_holdings WHERE customer_id = ANY($1::text[]) ORDER BY customer_id, product_code, period DESC`,
    [ids],
  );
  for (const r of rows) {
    periods.get(r.customer_id)!.set(r.product_code, { period: Number(r.period), open: r.open, sinceMonth: r.since_month, source: r.source });
    sales.set(periodKey(r.customer_id, r.product_code, Number(r.period)), Number(r.sales));
  }
  return periods;
}

async function loadSnapshotMonths(tx: PoolClient, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; month: string }>(`SELECT customer_id, month FROM c360_holding_months WHERE customer_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.customer_id, r.month]));
}

/**
 * The batch's sales and reversals already applied (a batch applied again): each with the period it
 * counted in, and for one still standing that period's sales (into `sales`: a reversal sets it one lower).
 */
async function loadSaleHoldings(tx: PoolClient, events: readonly RecordedEvent[], sales: PeriodSales): Promise<SaleHoldings> {
  const named = new Map(events.filter((e) => SALE.has(e.type)).map((e) => [saleKey(d(e).customerId, d(e).conversionId), d(e)]));
  if (named.size === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; conversion_id: string; product_code: string; period: number; reversed: boolean; sales: number | null }>(
    `SELECT s.customer_id, s.conversion_id, s.product_code, s.period, s.reversed_at IS NOT NULL AS reversed, h.sales
       FROM c360_holding_sales s JOIN unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id) ON s.customer_id = v.customer_id AND s.conversion_id = v.conversion_id
       LEFT JOIN c360_holdings h ON s.reversed_at IS NULL AND h.customer_id = s.customer_id AND h.product_code = s.product_code AND h.period = s.period`,
    [[...named.values()].map((x) => x.customerId), [...named.values()].map((x) => x.conversionId)],
  );
  for (const r of rows) if (r.sales !== null) sales.set(periodKey(r.customer_id, r.product_code, Number(r.period)), Number(r.sales));
  return new Map(rows.map((r) => [saleKey(r.customer_id, r.conversion_id), { productCode: r.product_code, period: Number(r.period), reversed: r.reversed }]));
}

export async function loadCustomer360State(tx: PoolClient, events: readonly RecordedEvent[]): Promise<Customer360State> {
  // The customers of the batch's snapshots and sales, worked out once for both reads that need them.
  const holders = idsOf(events, HOLDING);
  const periodSales: PeriodSales = new Map();
  return {
    optedOut: await loadOptedOut(tx, events),
    holdings: await loadHoldingPeriods(tx, holders, periodSales),
    periodSales,
    snapshotMonths: await loadSnapshotMonths(tx, holders),
    saleHoldings: await loadSaleHoldings(tx, events, periodSales),
  };
}

const byCode = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What a snapshot, a sale or a sale's reversal does to the holdings.
 * A snapshot of month M speaks for M: products it lists open a period if none is open; an open period
 * it leaves out closes in M, but only one held since M or before (a sale after M ends is not in M's
 * snapshot, however late it is recorded); a snapshot of the latest month applied or before changes
 * nothing now (a customer's snapshot months only advance: one of that month is the same snapshot applied
 * again). A sale opens a period for a product not held, or counts one more sale in the open one.
 * A reversal takes its sale off the period it counted in, and takes back a period that sale alone
 * opened if no snapshot has spoken for it since (a reversed sale is no holding).
 * Each sale stays in `c360_holding_sales` once reversed, so a sale or reversal applied again is known
 * and changes nothing; a period's `sales` is written as the count standing, never added to: a batch
 * applied twice leaves the holdings as once.
 */
export function holdingEffects(e: RecordedEvent, state: Customer360State): Effect[] {
  const x = d(e);
  const customerId = x.customerId as string;
  const { holdings: periods, periodSales, snapshotMonths, saleHoldings } = state;
  let held = periods.get(customerId);
  if (!held) periods.set(customerId, (held = new Map()));
  const row = (productCode: string, period: number) => ({ customer_id: customerId, product_code: productCode, period });
  /** The period's standing sales moved by `by`, written as the new count. */
  const counted = (productCode: string, period: number, by: number) => {
    const key = periodKey(customerId, productCode, period);
    const sales = (periodSales.get(key) ?? 0) + by;
    periodSales.set(key, sales);
    return update('c360_holdings', { ...row(productCode, period), sales });
  };
  const open = (productCode: string, source: 'sale' | 'snapshot') => {
    const period = (held!.get(productCode)?.period ?? 0) + 1;
    const sale = source === 'sale';
    const sinceMonth = sale ? businessMonth(at(e)) : (x.month as string);
    held!.set(productCode, { period, open: true, sinceMonth, source });
    periodSales.set(periodKey(customerId, productCode, period), sale ? 1 : 0);
    return insert('c360_holdings', { ...row(productCode, period), source, since_at: at(e), since_month: sinceMonth, since_day: sale ? businessDay(at(e)) : null, sales: sale ? 1 : 0 });
  };
  if (e.type === 'ConversionRecorded') {
    const key = saleKey(customerId, x.conversionId as string);
    if (saleHoldings.has(key)) return [];
    const now = held.get(x.productCode);
    const period = now?.open ? now.period : (now?.period ?? 0) + 1;
    saleHoldings.set(key, { productCode: x.productCode, period, reversed: false });
    const sold = insert('c360_holding_sales', { customer_id: customerId, conversion_id: x.conversionId, product_code: x.productCode, period });
    return [now?.open ? counted(x.productCode, now.period, 1) : open(x.productCode, 'sale'), sold];
  }
  if (e.type === 'ConversionReversed') {
    const key = saleKey(customerId, x.conversionId as string);
    const sale = saleHoldings.get(key);
    if (!sale || sale.reversed) return [];
    saleHoldings.set(key, { ...sale, reversed: true });
    const forgotten = update('c360_holding_sales', { customer_id: customerId, conversion_id: x.conversionId, reversed_at: at(e) });
    const now = held.get(sale.productCode);
    if (now?.period !== sale.period) return [counted(sale.productCode, sale.period, -1), forgotten];
    const spokenFor = (snapshotMonths.get(customerId) ?? '') >= now.sinceMonth;
    if (now.open && now.source === 'sale' && periodSales.get(periodKey(customerId, sale.productCode, now.period)) === 1 && !spokenFor) {
      if (now.period === 1) held.delete(sale.productCode);
      else held.set(sale.productCode, { period: now.period - 1, open: false, sinceMonth: '', source: 'snapshot' });
      periodSales.delete(periodKey(customerId, sale.productCode, now.period));
      return [remove('c360_holdings', row(sale.productCode, now.period)), forgotten];
    }
    return [counted(sale.productCode, now.period, -1), forgotten];
  }
  const month = x.month as string;
  const latest = snapshotMonths.get(customerId);
  if (latest !== undefined && month <= latest) return [];
  snapshotMonths.set(customerId, month);
  const effects: Effect[] = [upsert('c360_holding_months', { customer_id: customerId, month })];
  const listed = new Set(x.holdings as string[]);
  for (const [productCode, h] of [...held.entries()].sort(byCode)) {
    if (!h.open || listed.has(productCode) || h.sinceMonth > month) continue;
    held.set(productCode, { ...h, open: false });
    effects.push(update('c360_holdings', { ...row(productCode, h.period), closed_at: at(e), closed_month: month }));
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
    case 'ConversionReversed':
      return holdingEffects(e, state);
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
  // 6: product holdings (c360_holdings) and when each tier change was recorded; 7: a snapshot closes only periods
  // begun by its month and an older one changes nothing now; a reversed sale is taken off (c360_holding_sales);
  // 8: idempotent holdings: a reversed sale stays in c360_holding_sales (reversed_at), a sale, reversal or snapshot
  // already applied changes nothing, and a period's `sales` is set to the count standing, not added to;
  // 9: event times to the millisecond (occurredAt), and the non-key columns of five tables without statistics.
  version: 9,
  dependsOnTimeZone: true, // a holding's first sale month and day, cut in the bank's zone
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
    'ConversionReversed',
  ],
  state: loadCustomer360State,
  effects: customer360Effects,
});
