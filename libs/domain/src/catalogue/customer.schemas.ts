import { z } from 'zod';
import { COMPLAINT_CATEGORIES } from '../customer/complaint-categories';
import { ERASURE_REASONS } from '../customer/erasure-reasons';
import { channel, decimal, gender, group, id, month, riskLevel, text, tier, time } from './fields';

const onboarding = { homeUnitId: id, segment: id, gender, birthYear: z.number().int().min(1850).max(2200).nullable() };
const offer = z.strictObject({ offerId: id, customerId: id, staffId: id, productCode: id, campaignId: id.nullable() });

/** The customer's stream, version 1 of each event. */
export const CUSTOMER_EVENT_SCHEMAS = {
  CustomerOnboarded: z.strictObject({ customerId: id, ...onboarding }),
  BalanceSnapshotRecorded: z.strictObject({ customerId: id, month, averageDailyAssets: decimal, holdings: z.array(id) }),
  CustomerTierChanged: z.strictObject({
    customerId: id,
    month,
    from: tier,
    to: tier,
    threeMonthAverage: decimal,
    thresholds: z.strictObject({ standard: decimal, platinum: decimal, black: decimal }),
  }),
  CustomerAssignedToManager: z.strictObject({ customerId: id, staffId: id, previousStaffId: id.nullable(), unitId: id }),
  CustomerClaimFiled: z.strictObject({ customerId: id, claimId: id, staffId: id, unitId: id, onboarding: z.strictObject(onboarding).optional() }),
  CustomerClaimApproved: z.strictObject({ customerId: id, claimId: id, approvedBy: id }),
  CustomerClaimRejected: z.strictObject({ customerId: id, claimId: id, rejectedBy: id, reasonNote: id.nullable() }),
  CustomerTransferred: z.strictObject({ customerId: id, fromUnitId: id, toUnitId: id, fromStaffId: id.nullable(), toStaffId: id, crossBranch: z.boolean() }),
  CustomerTransferRequested: z.strictObject({
    customerId: id,
    requestId: id,
    fromUnitId: id,
    toUnitId: id,
    fromStaffId: id.nullable(),
    toStaffId: id,
    requestedBy: id,
    reasonNote: id,
  }),
  CustomerTransferRequestApproved: z.strictObject({ customerId: id, requestId: id, approvedBy: id }),
  CustomerTransferRequestRejected: z.strictObject({ customerId: id, requestId: id, rejectedBy: id, reasonNote: id }),
  RiskProfileAssessed: z.strictObject({ customerId: id, tolerance: riskLevel, assessedAt: time, validUntil: time }),
  ConsentGranted: z.strictObject({ customerId: id, channel }),
  ConsentWithdrawn: z.strictObject({ customerId: id, channel }),
  CustomerEnrolledInCampaign: z.strictObject({ campaignId: id, customerId: id, group }),
  CustomerContacted: z.strictObject({ contactId: id, customerId: id, staffId: id, channel, campaignId: id.nullable(), outcomeNote: id.nullable(), contactedAt: time }),
  OfferPresented: offer,
  OfferAccepted: offer,
  OfferDeclined: offer,
  OfferBlockedAsUnsuitable: z.strictObject({
    customerId: id,
    staffId: id,
    productCode: id,
    productRiskLevel: riskLevel,
    customerTolerance: riskLevel.nullable(),
    reason: z.enum(['no_assessment', 'assessment_expired', 'risk_above_tolerance']),
    attempted: z.enum(['offer', 'conversion']),
    campaignId: id.nullable(),
  }),
  CrossSellReferred: z.strictObject({ referralId: id, customerId: id, referrerStaffId: id, sellerStaffId: id, productCode: id }),
  ConversionRecorded: z.strictObject({
    conversionId: id,
    customerId: id,
    staffId: id,
    productCode: id,
    amount: decimal,
    revenue: decimal,
    campaignId: id.nullable(),
    referrerStaffId: id.nullable(),
    referralId: id.nullable(),
  }),
  ConversionReversed: z.strictObject({ conversionId: id, customerId: id, reasonNote: id.nullable() }),
  ComplaintRecorded: z.strictObject({
    complaintId: id,
    customerId: id,
    category: z.enum(COMPLAINT_CATEGORIES),
    descriptionNote: id.nullable(),
    contactId: id.nullable(),
    staffId: id.nullable(),
    campaignId: id.nullable(),
    answerDueBy: time,
  }),
  ComplaintAnswered: z.strictObject({ complaintId: id, customerId: id, answeredBy: id, late: z.boolean() }),
  CustomerPersonalDataCorrected: z.strictObject({ customerId: id, fields: z.array(id) }),
  // Version 2: the ground as a code and a non-personal reference; version 1's free text in older-versions.ts.
  CustomerDataErased: z.strictObject({ customerId: id, reasonCode: z.enum(ERASURE_REASONS), requestRef: id.nullable(), erasedBy: id }),
  CustomerTookPartInCampaign: z.strictObject({ campaignId: id, customerId: id, how: z.enum(['contacted', 'attended', 'served']) }),
} as const;

