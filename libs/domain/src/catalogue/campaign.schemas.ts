import { z } from 'zod';
import { channel, count, decimal, gender, id, text, tier, time } from './fields';

const plan = {
  name: text,
  objective: text,
  ownerUnitId: id,
  productCodes: z.array(id),
  channels: z.array(channel),
  audience: z.strictObject({
    tiers: z.array(tier),
    segments: z.array(id),
    unitIds: z.array(id),
    genders: z.array(gender),
    holdsAnyOf: z.array(id),
    holdsNoneOf: z.array(id),
    ageBand: z.strictObject({ min: count.nullable(), max: count.nullable() }).optional(),
    dormantMonths: count.nullable().optional(),
    consent: z.enum(['any', 'all']).optional(),
    suitableOnly: z.boolean().optional(),
    excludeContactCapReached: z.boolean().optional(),
    excludeOverlappingCampaigns: z.boolean().optional(),
  }),
  budget: decimal,
  period: z.strictObject({ start: time, end: time }),
  controlGroupPercent: z.number().min(0).max(100),
  includeOtherControlGroups: z.boolean().optional(),
  targets: z.strictObject({ conversions: count.nullable(), revenue: decimal.nullable() }),
};

/** The campaign's stream, the current version of each event (older ones in older-versions.ts). */
export const CAMPAIGN_EVENT_SCHEMAS = {
  CampaignDrafted: z.strictObject({ campaignId: id, draftedBy: id, ...plan }),
  CampaignSubmitted: z.strictObject({
    campaignId: id,
    planDocument: z.strictObject({ documentId: id, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'), fileName: text, mediaType: text, size: count }).nullable(),
    planDocumentRef: text.nullable(),
    submittedBy: id,
  }),
  CampaignApproved: z.strictObject({ campaignId: id, approvedBy: id, approverUnitId: id }),
  CampaignRejected: z.strictObject({ campaignId: id, rejectedBy: id, approverUnitId: id, reason: text }),
  CampaignLaunched: z.strictObject({
    campaignId: id,
    launchedBy: id,
    audienceSize: count,
    treatmentCount: count,
    controlCount: count,
    randomisationSeed: text,
    budgetCommitted: decimal,
  }),
  CampaignCostRecorded: z.strictObject({ campaignId: id, costId: id, amount: decimal, customerId: id.nullable(), description: text, descriptionNote: id.nullable() }),
  CampaignFeedbackRecorded: z.strictObject({ campaignId: id, feedbackId: id, customerId: id.nullable(), rating: z.number().nullable(), comment: text, commentNote: id.nullable() }),
  CampaignCompleted: z.strictObject({
    campaignId: id,
    completedBy: id,
    totalCost: decimal,
    unassignedCost: decimal,
    participantCount: count,
    unassignedSharePerParticipant: decimal,
    budgetReleased: decimal,
  }),
  CampaignCancelled: z.strictObject({ campaignId: id, cancelledBy: id, reason: text, budgetReleased: decimal }),
} as const;
