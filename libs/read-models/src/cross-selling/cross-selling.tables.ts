import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green). */
const text: ColumnShape = { type: 'text' };
const required = (type: string): ColumnShape => ({ type, notNull: true });

export const XS_CUSTOMERS: TableShape = { name: 'xs_customers', key: ['customer_id'], subject: 'customer_id', columns: { customer_id: text, unit_id: required('text') } };
/** What each customer held each month (the core-banking snapshot), under the unit they were in when it was recorded. */
export const XS_MONTHLY: TableShape = {
  name: 'xs_monthly',
  key: ['customer_id', 'month'],
  columns: { customer_id: text, month: text, unit_id: required('text'), products: required('integer'), assets_fen: required('bigint') },
  extra: [`CREATE INDEX xs_monthly_month_idx ON xs_monthly (month, unit_id)`],
};
export const XS_PARTICIPANTS: TableShape = { name: 'xs_participants', key: ['campaign_id', 'customer_id'], columns: { campaign_id: text, customer_id: text, grp: required('text') } };
export const XS_CAMPAIGNS: TableShape = { name: 'xs_campaigns', key: ['campaign_id'], columns: { campaign_id: text, launched_month: text, closed_month: text } };
export const XS_REFERRALS: TableShape = {
  name: 'xs_referrals',
  key: ['customer_id', 'referral_id'],
  subject: 'customer_id',
  columns: {
    customer_id: text,
    referral_id: text,
    referrer: required('text'),
    seller: required('text'),
    product: required('text'),
    referred_at: required('timestamptz'),
    /** Whether any sale naming it stands (xs_referral_sales has a row for it). */
    converted: { type: 'boolean', default: false },
  },
};
/**
 * The sales standing that name a referral (several may: the domain lets more than one sale name the
 * same referral); a reversal removes its row, and the referral stays converted while any row is left.
 */
export const XS_REFERRAL_SALES: TableShape = {
  name: 'xs_referral_sales',
  key: ['customer_id', 'conversion_id'],
  columns: { customer_id: text, conversion_id: text, referral_id: required('text') },
  extra: [`CREATE INDEX xs_referral_sales_referral_idx ON xs_referral_sales (customer_id, referral_id)`],
};

export const CROSS_SELLING_TABLES: readonly TableShape[] = [XS_CUSTOMERS, XS_MONTHLY, XS_PARTICIPANTS, XS_CAMPAIGNS, XS_REFERRALS, XS_REFERRAL_SALES];
