import { z } from 'zod';
import { count, decimal, drawnFrom, id, month, points, text, tier, time, year } from './fields';

/** Budgets (`org-<unitId>`), VIP cards and their registries, points: version 1 of each event. */
export const BUDGET_EVENT_SCHEMAS = {
  AnnualBudgetSet: z.strictObject({ unitId: id, year, amount: decimal }),
  BudgetAllocated: z.strictObject({ unitId: id, year, amount: decimal, fromUnitId: id }),
  BudgetSplit: z.strictObject({ unitId: id, year, childUnitId: id, amount: decimal }),
  BudgetChangeRequested: z.strictObject({ unitId: id, requestId: id, year, amount: decimal, reason: text, requestedBy: id }),
  BudgetChangeApproved: z.strictObject({ unitId: id, requestId: id, approvedBy: id }),
  BudgetChangeRejected: z.strictObject({ unitId: id, requestId: id, rejectedBy: id, reason: text }),
  BudgetCommitted: z.strictObject({ unitId: id, year, campaignId: id, amount: decimal }),
  BudgetReleased: z.strictObject({ unitId: id, year, campaignId: id, amount: decimal }),
} as const;

export const VIP_CARD_EVENT_SCHEMAS = {
  VipCardApplied: z.strictObject({ customerId: id, applicationId: id, tier, special: z.boolean() }),
  VipCardApplicationApproved: z.strictObject({ customerId: id, applicationId: id, approvedBy: id, special: z.boolean() }),
  VipCardApplicationRefused: z.strictObject({ customerId: id, applicationId: id, refusedBy: id, reasonNote: id.nullable() }),
  VipCardIssued: z.strictObject({ customerId: id, cardId: id, applicationId: id, tier, special: z.boolean(), unitId: id, validUntil: time }),
  VipCardTierChanged: z.strictObject({ customerId: id, cardId: id, from: tier, to: tier, reason: z.literal('annual_review').optional() }),
  VipCardReviewed: z.strictObject({ customerId: id, cardId: id, year, belowThreshold: z.boolean(), feeCharged: decimal }),
  VipCardCancelled: z.strictObject({ customerId: id, cardId: id, special: z.boolean(), reasonNote: id.nullable(), noNewCardBefore: time }),
  SpecialCardPlaceTaken: z.strictObject({ unitId: id, customerId: id }),
  VipCardHolderAdded: z.strictObject({ unitId: id, customerId: id, special: z.boolean() }),
  VipCardHolderRemoved: z.strictObject({ unitId: id, customerId: id, special: z.boolean() }),
} as const;

export const POINTS_EVENT_SCHEMAS = {
  BenefitPointsAccrued: z.strictObject({ customerId: id, lotId: id, month, assetChange: decimal, profitParameter: decimal, points, expiresAt: time }),
  TransactionPointsEarned: z.strictObject({ customerId: id, lotId: id, transactionId: id, spend: decimal, points, expiresAt: time }),
  TransactionPointsReversed: z.strictObject({
    customerId: id,
    transactionId: id,
    points,
    pointsReversed: points.optional(),
    drawnFrom: drawnFrom.optional(),
    effectiveOn: time,
    reasonNote: id.nullable(),
  }),
  PointsRedeemed: z.strictObject({ customerId: id, redemptionId: id, points: count, descriptionNote: id.nullable(), drawnFrom: drawnFrom.optional() }),
  CampaignCostPointsDeducted: z.strictObject({ customerId: id, campaignId: id, costShare: decimal, points: count, drawnFrom: drawnFrom.optional() }),
  PointsExpired: z.strictObject({ customerId: id, lotIds: z.array(id), points: count }),
} as const;
