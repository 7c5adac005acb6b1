import type { Channel, Tier } from '../shared/types';
import type { Gender } from '../customer/customer.events';

/** Who a campaign is for; every listed criterion must hold (an empty list means any). */
export interface AudienceRule {
  readonly tiers: readonly Tier[];
  readonly segments: readonly string[];
  /** Customers whose home unit is one of these units or below them. */
  readonly unitIds: readonly string[];
  readonly genders: readonly Gender[];
  /** Customers holding at least one of these products. */
  readonly holdsAnyOf: readonly string[];
  /** Customers holding none of these products. */
  readonly holdsNoneOf: readonly string[];
  /** Age in whole years when the audience is selected (bank year − birth year), bounds included; customers without a birth year do not match. */
  readonly ageBand?: { readonly min: number | null; readonly max: number | null };
  /** Only customers without a transaction (a sale, a card payment) in this many months; a customer who never had one counts from onboarding. */
  readonly dormantMonths?: number | null;
  /** `any` (default): reachable on at least one of the campaign's channels; `all`: opted out of none of them. */
  readonly consent?: 'any' | 'all';
  /** Only customers whose valid risk assessment tolerates every risk-bearing product of the campaign (excluded as NOT_SUITABLE). */
  readonly suitableOnly?: boolean;
  /** Leave out customers whose campaign-contact cap for 30 days is already reached (CONTACT_LIMIT_REACHED). */
  readonly excludeContactCapReached?: boolean;
  /** Leave out customers enrolled in another running campaign whose period overlaps this one's (IN_OVERLAPPING_CAMPAIGN). */
  readonly excludeOverlappingCampaigns?: boolean;
}

export type CampaignStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'launched' | 'completed' | 'cancelled';

export interface CampaignPlan {
  readonly name: string;
  readonly objective: string;
  readonly ownerUnitId: string;
  readonly productCodes: readonly string[];
  readonly channels: readonly Channel[];
  readonly audience: AudienceRule;
  readonly budget: string;
  readonly period: { readonly start: string; readonly end: string };
  /** Share of the audience held out from contact, 0–50 (platform default 10). */
  readonly controlGroupPercent: number;
  /** The owner chose to reach customers held in other running campaigns' control groups (absent: no). */
  readonly includeOtherControlGroups?: boolean;
  readonly targets: { readonly conversions: number | null; readonly revenue: string | null };
}

/** A plan document as the submission records it: which upload, and the SHA-256 of its bytes. */
export interface PlanDocumentFacts {
  readonly documentId: string;
  /** Hex SHA-256 of the document's bytes. */
  readonly sha256: string;
  readonly fileName: string;
  /** Told by the bytes (PDF or Office), not by the name. */
  readonly mediaType: string;
  readonly size: number;
}

export type CampaignEvent =
  | { type: 'CampaignDrafted'; data: CampaignPlan & { campaignId: string; draftedBy: string } }
  /**
   * Version 2: the plan document uploaded for the campaign, by id and SHA-256 (its bytes are kept
   * outside the log, `plan_documents`); `planDocumentRef` is null. Version 1 named the document by a
   * free reference (`planDocumentRef`, e.g. a DMS path) without its hash: read, its `planDocument` is null.
   */
  | { type: 'CampaignSubmitted'; data: { campaignId: string; planDocument: PlanDocumentFacts | null; planDocumentRef: string | null; submittedBy: string } }
  | { type: 'CampaignApproved'; data: { campaignId: string; approvedBy: string; approverUnitId: string } }
  | { type: 'CampaignRejected'; data: { campaignId: string; rejectedBy: string; approverUnitId: string; reason: string } }
  | {
      type: 'CampaignLaunched';
      data: { campaignId: string; launchedBy: string; audienceSize: number; treatmentCount: number; controlCount: number; randomisationSeed: string; budgetCommitted: string };
    }
  /**
   * Version 2: a cost line for one customer keeps its description in that customer's vault
   * (`descriptionNote`; `description` is then ''); a campaign-level line keeps its `description`.
   * Version 1 kept every description here.
   */
  | { type: 'CampaignCostRecorded'; data: { campaignId: string; costId: string; amount: string; customerId: string | null; description: string; descriptionNote: string | null } }
  /**
   * Version 2: a customer's comment is in the PII vault (`commentNote`; `comment` is then '');
   * feedback about the campaign itself keeps its `comment`. Version 1 kept every comment here.
   */
  | { type: 'CampaignFeedbackRecorded'; data: { campaignId: string; feedbackId: string; customerId: string | null; rating: number | null; comment: string; commentNote: string | null } }
  | {
      type: 'CampaignCompleted';
      data: {
        campaignId: string;
        completedBy: string;
        totalCost: string;
        /** Costs not tied to a customer, split evenly over the participants (第三十条 3). */
        unassignedCost: string;
        participantCount: number;
        unassignedSharePerParticipant: string;
        budgetReleased: string;
      };
    }
  | { type: 'CampaignCancelled'; data: { campaignId: string; cancelledBy: string; reason: string; budgetReleased: string } };
