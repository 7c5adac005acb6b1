import type { PoolClient } from 'pg';
import { businessMonth, saleKey, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, remove, update, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { CROSS_SELLING_TABLES } from './cross-selling.tables';

/** The unit each customer of the batch is in, read once per batch and kept up to date in log order by the effects. */
export type CustomerUnits = Map<string, string>;
/**
 * The sales standing that name each referral the batch touches: `customerId:referralId` → their
 * conversion ids, and `customerId:conversionId` → the referral that sale named (for the batch's
 * reversals). Read once per batch and kept up to date in log order by the effects.
 */
/** The sales standing per referral (`referralKey`), and the referral each sale names (per `saleKey`). */
export interface ReferralSales {
  readonly live: Map<string, Set<string>>;
  readonly referralOf: Map<string, string>;
}

/** A referral's identity in maps: a referral id is unique only within its customer (joined as `saleKey` joins a sale's ids, unambiguously). */
export const referralKey = (customerId: string, referralId: string): string => saleKey(customerId, referralId);

export interface CrossSellingState {
  readonly units: CustomerUnits;
  readonly referralSales: ReferralSales;
}

const CUSTOMER_TYPES = new Set(['CustomerOnboarded', 'CustomerTransferred', 'BalanceSnapshotRecorded']);

export async function loadCustomerUnits(tx: PoolClient, events: readonly RecordedEvent[]): Promise<CustomerUnits> {
  const ids = [...new Set(events.filter((e) => CUSTOMER_TYPES.has(e.type)).map((e) => d(e).customerId as string))];
  const { rows } = await tx.query<{ customer_id: string; unit_id: string }>(`SELECT customer_id, unit_id FROM xs_customers WHERE customer_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.customer_id, r.unit_id]));
}

/** Every sale standing for the referrals the batch's sales name or its reversals' sales named. */
export async function loadReferralSales(tx: PoolClient, events: readonly RecordedEvent[]): Promise<ReferralSales> {
  const sales: ReferralSales = { live: new Map(), referralOf: new Map() };
  const sold = events.filter((e) => e.type === 'ConversionRecorded' && d(e).referralId).map((e) => d(e));
  const reversed = events.filter((e) => e.type === 'ConversionReversed').map((e) => d(e));
  if (sold.length === 0 && reversed.length === 0) return sales;
  const { rows } = await tx.query<{ customer_id: string; conversion_id: string; referral_id: string }>(
    `WITH touched AS (
       SELECT customer_id, referral_id FROM unnest($1::text[], $2::text[]) AS v(customer_id, referral_id)
       UNION
       SELECT s.customer_id, s.referral_id FROM xs_referral_sales s JOIN unnest($3::text[], $4::text[]) AS v(customer_id, conversion_id)
         ON s.customer_id = v.customer_id AND s.conversion_id = v.conversion_id)
     SELECT s.customer_id, s.conversion_id, s.referral_id FROM xs_referral_sales s JOIN touched t ON s.customer_id = t.customer_id AND s.referral_id = t.referral_id`,
    [sold.map((x) => x.customerId), sold.map((x) => x.referralId), reversed.map((x) => x.customerId), reversed.map((x) => x.conversionId)],
  );
  for (const r of rows) {
    const key = referralKey(r.customer_id, r.referral_id);
    let live = sales.live.get(key);
    if (!live) sales.live.set(key, (live = new Set()));
    live.add(r.conversion_id);
    sales.referralOf.set(saleKey(r.customer_id, r.conversion_id), r.referral_id);
  }
  return sales;
}

export async function loadCrossSellingState(tx: PoolClient, events: readonly RecordedEvent[]): Promise<CrossSellingState> {
  return { units: await loadCustomerUnits(tx, events), referralSales: await loadReferralSales(tx, events) };
}

/** What one event does to the cross-selling rows, given the customers' units (which it keeps up to date). */
export function crossSellingEffects(e: RecordedEvent, state: CrossSellingState): Effect[] {
  const x = d(e);
  const units = state.units;
  switch (e.type) {
    case 'CustomerOnboarded':
      if (!units.has(x.customerId)) units.set(x.customerId, x.homeUnitId);
      return [insert('xs_customers', { customer_id: x.customerId, unit_id: x.homeUnitId })];
    case 'CustomerTransferred':
      if (units.has(x.customerId)) units.set(x.customerId, x.toUnitId);
      return [update('xs_customers', { customer_id: x.customerId, unit_id: x.toUnitId })];
    // The monthly snapshot from core banking is the authority on what a customer holds.
    case 'BalanceSnapshotRecorded':
      return [
        insert('xs_monthly', { customer_id: x.customerId, month: x.month, unit_id: units.get(x.customerId) ?? '', products: new Set(x.holdings).size, assets_fen: toFen(x.averageDailyAssets) }),
      ];
    case 'CampaignLaunched':
      return [insert('xs_campaigns', { campaign_id: x.campaignId, launched_month: businessMonth(at(e)) })];
    case 'CampaignCompleted':
    case 'CampaignCancelled':
      return [update('xs_campaigns', { campaign_id: x.campaignId, closed_month: businessMonth(at(e)) })];
    case 'CustomerEnrolledInCampaign':
      return [insert('xs_participants', { campaign_id: x.campaignId, customer_id: x.customerId, grp: x.group })];
    case 'CrossSellReferred':
      return [insert('xs_referrals', { customer_id: x.customerId, referral_id: x.referralId, referrer: x.referrerStaffId, seller: x.sellerStaffId, product: x.productCode, referred_at: at(e) })];
    // A referral is converted while a sale naming it stands: several sales may name it, and reversing one
    // takes the conversion back only when no other stands (a reversed sale is no conversion).
    case 'ConversionRecorded': {
      if (!x.referralId) return [];
      const { live, referralOf } = state.referralSales;
      const key = referralKey(x.customerId, x.referralId);
      let sales = live.get(key);
      if (!sales) live.set(key, (sales = new Set()));
      sales.add(x.conversionId);
      referralOf.set(saleKey(x.customerId, x.conversionId), x.referralId);
      return [
        insert('xs_referral_sales', { customer_id: x.customerId, conversion_id: x.conversionId, referral_id: x.referralId }),
        update('xs_referrals', { customer_id: x.customerId, referral_id: x.referralId, converted: true }),
      ];
    }
    case 'ConversionReversed': {
      const { live, referralOf } = state.referralSales;
      const referralId = referralOf.get(saleKey(x.customerId, x.conversionId));
      if (!referralId) return [];
      referralOf.delete(saleKey(x.customerId, x.conversionId));
      const sales = live.get(referralKey(x.customerId, referralId));
      sales?.delete(x.conversionId);
      return [
        remove('xs_referral_sales', { customer_id: x.customerId, conversion_id: x.conversionId }),
        update('xs_referrals', { customer_id: x.customerId, referral_id: referralId, converted: (sales?.size ?? 0) > 0 }),
      ];
    }
    default:
      return [];
  }
}

/** Products per customer over time, referrals and their outcome, for cross-selling figures (000, 001, 004). */
export const crossSellingProjection = effectProjection<CrossSellingState>({
  name: 'cross-selling',
  // 3: effects, written by the runner; 4: a reversed sale takes its referral's conversion back;
  // 5: a referral stays converted while any sale naming it stands (xs_referral_sales); 6: event times to the millisecond (occurredAt).
  version: 6,
  dependsOnTimeZone: true, // launch and close months cut in the bank's zone
  tables: CROSS_SELLING_TABLES,
  eventTypes: ['CustomerOnboarded', 'CustomerTransferred', 'BalanceSnapshotRecorded', 'CampaignLaunched', 'CampaignCompleted', 'CampaignCancelled', 'CustomerEnrolledInCampaign', 'CrossSellReferred', 'ConversionRecorded', 'ConversionReversed'],
  state: loadCrossSellingState,
  effects: crossSellingEffects,
});
