import { invalid, notFound } from '../errors';
import { staffMember } from './customer.checks';
import type { CustomerCommandOf } from './customer.commands';
import { duplicate } from './customer.errors';
import type { CustomerEventOf } from './customer.events';

/**
 * Referrals (转介绍): one member of staff passes the customer to another for a product; a sale
 * that follows splits its points between them (004, 招商银行), so the sale names the referral.
 */
export interface ReferralsState {
  readonly referrals: ReadonlyMap<string, { readonly referrerStaffId: string; readonly sellerStaffId: string }>;
}

export const initialReferrals = (): ReferralsState => ({ referrals: new Map() });

export type ReferralsCommand = CustomerCommandOf<'ReferCrossSell'>;
export type ReferralsEvent = CustomerEventOf<'CrossSellReferred'>;

export function evolveReferrals<S extends ReferralsState>(s: S, e: ReferralsEvent): S {
  switch (e.type) {
    case 'CrossSellReferred':
      return { ...s, referrals: new Map(s.referrals).set(e.data.referralId, { referrerStaffId: e.data.referrerStaffId, sellerStaffId: e.data.sellerStaffId }) };
    default: {
      // With one event type only `e.type` narrows to never; a second type will need its case.
      const unreachable: never = e.type;
      return unreachable;
    }
  }
}

export function decideReferrals(c: ReferralsCommand, s: ReferralsState): ReferralsEvent[] {
  if (s.referrals.has(c.referralId)) throw duplicate('referral', c.referralId);
  if (c.referrerStaffId === c.sellerStaffId) throw invalid('SAME_STAFF', 'a referral passes the customer to someone else: referrer and seller must differ');
  staffMember(c.org, c.referrerStaffId);
  staffMember(c.org, c.sellerStaffId);
  if (!c.org.products.has(c.productCode)) throw notFound('UNKNOWN_PRODUCT', `no product ${c.productCode}`, { productCode: c.productCode });
  const { customerId, referralId, referrerStaffId, sellerStaffId, productCode } = c;
  return [{ type: 'CrossSellReferred', data: { referralId, customerId, referrerStaffId, sellerStaffId, productCode } }];
}
