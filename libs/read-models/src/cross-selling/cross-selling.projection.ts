import type { PoolClient } from 'pg';
import { businessMonth, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, update, type Effect } from '../runner/effects';
import { data as d, occurredAt as at } from '../runner/event-fields';
import { CROSS_SELLING_TABLES } from './cross-selling.tables';

/** The unit each customer of the batch is in, read once per batch and kept up to date in log order by the effects. */
export type CustomerUnits = Map<string, string>;
/** `customerId:conversionId` → the referral that sale converted, for the batch's reversals (and the sales it records). */
export type ReferralSales = Map<string, string>;

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

export async function loadReferralSales(tx: PoolClient, events: readonly RecordedEvent[]): Promise<ReferralSales> {
  const reversed = events.filter((e) => e.type === 'ConversionReversed').map((e) => d(e));
  if (reversed.length === 0) return new Map();
  const { rows } = await tx.query<{ customer_id: string; conversion_id: string; referral_id: string }>(
    `SELECT r.customer_id, r.conversion_id, r.referral_id FROM xs_referrals r JOIN unnest($1::text[], $2::text[]) AS v(customer_id, conversion_id)
       ON r.customer_id = v.customer_id AND r.conversion_id = v.conversion_id`,
    [reversed.map((x) => x.customerId), reversed.map((x) => x.conversionId)],
  );
  return new Map(rows.map((r) => [`${r.customer_id}:${r.conversion_id}`, r.referral_id]));
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
    // A referral converts when a sale names it, and no longer when that sale is reversed (a reversed sale is no conversion).
    case 'ConversionRecorded':
      if (!x.referralId) return [];
      state.referralSales.set(`${x.customerId}:${x.conversionId}`, x.referralId);
      return [update('xs_referrals', { customer_id: x.customerId, referral_id: x.referralId, converted: true, conversion_id: x.conversionId })];
    case 'ConversionReversed': {
      const key = `${x.customerId}:${x.conversionId}`;
      const referralId = state.referralSales.get(key);
      if (!referralId) return [];
      state.referralSales.delete(key);
      return [update('xs_referrals', { customer_id: x.customerId, referral_id: referralId, converted: false, conversion_id: null })];
    }
    default:
      return [];
  }
}

/** Products per customer over time, referrals and their outcome, for cross-selling figures (000, 001, 004). */
export const crossSellingProjection = effectProjection<CrossSellingState>({
  name: 'cross-selling',
  // 3: effects, written by the runner; 4: a reversed sale takes its referral's conversion back.
  version: 4,
  tables: CROSS_SELLING_TABLES,
  eventTypes: ['CustomerOnboarded', 'CustomerTransferred', 'BalanceSnapshotRecorded', 'CampaignLaunched', 'CampaignCompleted', 'CampaignCancelled', 'CustomerEnrolledInCampaign', 'CrossSellReferred', 'ConversionRecorded', 'ConversionReversed'],
  state: loadCrossSellingState,
  effects: crossSellingEffects,
});
