import { forbidden, illegalState, notFound, refused } from '../errors';
import { isWithin } from '../organisation/organisation.state';
import { requireBusinessTimeAllowed } from '../periods/business-time';
import { formatFen, toFen } from '../shared/money';
import { staffMember } from './customer.checks';
import type { CampaignFacts, ControlGroupsInForce, CustomerCommandOf } from './customer.commands';
import { badAmount, duplicate, productNotInCampaign } from './customer.errors';
import type { CustomerEventOf, OfferData } from './customer.events';
import { requireCampaignReach } from './customer-campaign-reach';
import type { ContactState } from './customer-contact';
import type { ReferralsState } from './customer-referrals';
import type { RelationshipState } from './customer-relationship';
import { requireSuitable, type SuitabilityState } from './customer-suitability';

/** The sales flow (001 §3): offers made, and the sales (conversions) that stand or were reversed. */
export interface SellingState {
  readonly offers: ReadonlyMap<string, OfferData & { open: boolean }>;
  /**
   * Each sale, with who made it (only they, their heads or an admin reverse it) and its business time
   * (`soldAt`, its event's `occurredAt`; null when the folded event does not carry it): a reversal
   * takes the sale's points off the sale's month, so a closed month refuses it (issue 16, item 7a).
   */
  readonly conversions: ReadonlyMap<string, { reversed: boolean; staffId: string; soldAt: string | null }>;
}

export const initialSelling = (): SellingState => ({ offers: new Map(), conversions: new Map() });

export type SellingCommand = CustomerCommandOf<'PresentOffer' | 'RespondToOffer' | 'RecordConversion' | 'ReverseConversion'>;
/** A refused sale is recorded too (`OfferBlockedAsUnsuitable`), by the suitability rule. */
export type SellingEvent = CustomerEventOf<'OfferPresented' | 'OfferAccepted' | 'OfferDeclined' | 'ConversionRecorded' | 'ConversionReversed'>;
/** A sale is decided on the customer's suitability, campaigns and referrals too. */
type Reads = SellingState & SuitabilityState & ContactState & ReferralsState & RelationshipState;

export function evolveSelling<S extends SellingState>(s: S, e: SellingEvent): S {
  switch (e.type) {
    case 'OfferPresented':
      return { ...s, offers: new Map(s.offers).set(e.data.offerId, { ...e.data, open: true }) };
    case 'OfferAccepted':
    case 'OfferDeclined':
      return { ...s, offers: new Map(s.offers).set(e.data.offerId, { ...e.data, open: false }) };
    case 'ConversionRecorded':
      return { ...s, conversions: new Map(s.conversions).set(e.data.conversionId, { reversed: false, staffId: e.data.staffId, soldAt: occurredAtOf(e) }) };
    case 'ConversionReversed': {
      const sale = s.conversions.get(e.data.conversionId);
      return { ...s, conversions: new Map(s.conversions).set(e.data.conversionId, { reversed: true, staffId: sale?.staffId ?? '', soldAt: sale?.soldAt ?? null }) };
    }
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideSelling(c: SellingCommand, s: Reads): SellingEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'PresentOffer': {
      if (s.offers.has(c.offerId)) throw duplicate('offer', c.offerId);
      staffMember(c.org, c.staffId);
      const campaignId = campaignSelling(s, c, c.product.productCode);
      requireSuitable(s, c.product, c.staffId, campaignId, 'offer', c.at);
      return [{ type: 'OfferPresented', data: { offerId: c.offerId, customerId, staffId: c.staffId, productCode: c.product.productCode, campaignId } }];
    }
    case 'RespondToOffer': {
      const offer = s.offers.get(c.offerId);
      if (!offer) throw notFound('UNKNOWN_OFFER', `no offer ${c.offerId} for this customer`, { offerId: c.offerId });
      if (!offer.open) throw illegalState('OFFER_NOT_OPEN', `offer ${c.offerId} was already answered`, { offerId: c.offerId });
      const { open: _open, ...data } = offer;
      return [{ type: c.accepted ? 'OfferAccepted' : 'OfferDeclined', data }];
    }
    case 'RecordConversion':
      return recordConversion(c, s);
    case 'ReverseConversion': {
      const conversion = s.conversions.get(c.conversionId);
      if (!conversion) throw notFound('UNKNOWN_CONVERSION', `no conversion ${c.conversionId} for this customer`, { conversionId: c.conversionId });
      requireMayReverse(c, conversion.staffId);
      if (conversion.reversed) throw illegalState('ALREADY_REVERSED', `conversion ${c.conversionId} is already reversed`, { conversionId: c.conversionId });
      // The reversal is dated today, but it debits the sale's month: that month must be open too,
      // or the reversal be an admin's recorded correction (Correction-Reason).
      if (conversion.soldAt !== null) requireBusinessTimeAllowed({ at: conversion.soldAt, by: c.by, org: c.org, correction: c.correction });
      return [{ type: 'ConversionReversed', data: { conversionId: c.conversionId, customerId, reasonNote: c.reasonNote } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/** The business time a stored event carries in its metadata (the deciders fold stored events), or null. */
const occurredAtOf = (e: object): string | null => {
  const at = (e as { metadata?: { occurredAt?: unknown } }).metadata?.occurredAt;
  return typeof at === 'string' ? at : null;
};

/**
 * A sale sets pay: only its seller, the heads of the seller's unit (and above) or an admin undo it,
 * never a colleague who happens to reach the customer (an unassigned customer of their sub-branch).
 */
function requireMayReverse(c: CustomerCommandOf<'ReverseConversion'>, sellerId: string): void {
  if (c.by.role === 'admin' || c.by.userId === sellerId) return;
  const seller = c.org.staff.get(sellerId);
  const headOfSeller = (c.by.role === 'branch_head' || c.by.role === 'approver') && seller !== undefined && isWithin(c.org, seller.unitId, c.by.unitId);
  if (!headOfSeller) throw forbidden('NOT_YOUR_RECORD', `conversion ${c.conversionId} was sold by someone else; only they, their heads or an admin reverse it`, { conversionId: c.conversionId });
}

function recordConversion(c: CustomerCommandOf<'RecordConversion'>, s: Reads): SellingEvent[] {
  if (s.conversions.has(c.conversionId)) throw duplicate('conversion', c.conversionId);
  staffMember(c.org, c.staffId);
  if (c.referrerStaffId) staffMember(c.org, c.referrerStaffId);
  const amount = toFen(c.amount);
  const revenue = toFen(c.revenue);
  if (amount === undefined || amount <= 0) throw badAmount('amount', c.amount);
  if (revenue === undefined || revenue < 0) throw badAmount('revenue', c.revenue);
  if (c.referralId && !s.referrals.has(c.referralId)) throw notFound('UNKNOWN_REFERRAL', `no referral ${c.referralId} for this customer`, { referralId: c.referralId });
  // A referrer shares the points (scoring): only on a referral on file that names them.
  if (c.referrerStaffId && (!c.referralId || s.referrals.get(c.referralId)!.referrerStaffId !== c.referrerStaffId)) {
    throw refused('REFERRAL_NOT_ON_FILE', 'a sale credits a referrer only with the referral that names them (referralId)', { referrerStaffId: c.referrerStaffId });
  }
  const campaignId = campaignSelling(s, c, c.product.productCode);
  requireSuitable(s, c.product, c.staffId, campaignId, 'conversion', c.at);
  const { conversionId, staffId, referrerStaffId, referralId } = c;
  const data = { conversionId, customerId: c.customerId, staffId, productCode: c.product.productCode, amount: formatFen(amount), revenue: formatFen(revenue), campaignId, referrerStaffId, referralId };
  return [{ type: 'ConversionRecorded', data }];
}

/** A campaign sells only its own products to its reachable customers; its id, or null for a sale outside campaigns. */
function campaignSelling(s: ContactState, c: { campaign: CampaignFacts | null; at: string } & ControlGroupsInForce, productCode: string): string | null {
  const campaign = c.campaign;
  if (!campaign) return null;
  requireCampaignReach(s, campaign, c.at, c.controlGroupsInForce);
  if (!campaign.productCodes.includes(productCode)) throw productNotInCampaign(campaign.campaignId, productCode);
  return campaign.campaignId;
}
