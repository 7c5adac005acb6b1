import type { ErasureReason } from './erasure-reasons';
import type { ComplaintCategory } from './complaint-categories';
import type { Channel, RiskLevel, Tier } from '../shared/types';

export type Group = 'treatment' | 'control';
export type Gender = 'F' | 'M' | 'U';
export type UnsuitableReason = 'no_assessment' | 'assessment_expired' | 'risk_above_tolerance';
/** How a customer took part in a campaign, when recorded as such (an accepted campaign offer needs no record). */
export type ParticipationKind = 'contacted' | 'attended' | 'served';

/** Everything that happens to one customer, on the `customer-<id>` stream. No personal data. */
export type CustomerEvent =
  | { type: 'CustomerOnboarded'; data: { customerId: string; homeUnitId: string; segment: string; gender: Gender; birthYear: number | null } }
  | { type: 'BalanceSnapshotRecorded'; data: { customerId: string; month: string; averageDailyAssets: string; holdings: string[] } }
  | {
      type: 'CustomerTierChanged';
      data: { customerId: string; month: string; from: Tier; to: Tier; threeMonthAverage: string; thresholds: { standard: string; platinum: string; black: string } };
    }
  | { type: 'CustomerAssignedToManager'; data: { customerId: string; staffId: string; previousStaffId: string | null; unitId: string } }
  /**
   * A manager claims a customer not yet in the system (004 篇九 第九条); `onboarding`: who the
   * customer is, onboarded as such when the claim is approved. Claims written before it was added
   * were on customers already onboarded, and lack it.
   */
  | { type: 'CustomerClaimFiled'; data: { customerId: string; claimId: string; staffId: string; unitId: string; onboarding?: OnboardingFacts } }
  | { type: 'CustomerClaimApproved'; data: { customerId: string; claimId: string; approvedBy: string } }
  /** Version 2: the reason's text is in the vault (`reasonNote`, null when none was given); version 1 carried it as `reason`. */
  | { type: 'CustomerClaimRejected'; data: { customerId: string; claimId: string; rejectedBy: string; reasonNote: string | null } }
  | {
      type: 'CustomerTransferred';
      data: { customerId: string; fromUnitId: string; toUnitId: string; fromStaffId: string | null; toStaffId: string; crossBranch: boolean };
    }
  /**
   * A branch asks to move the customer to a manager of another branch (004 篇九 第九条); head office
   * decides. `reasonNote`: the reason's note in the customer's vault (it may name people).
   */
  | {
      type: 'CustomerTransferRequested';
      data: { customerId: string; requestId: string; fromUnitId: string; toUnitId: string; fromStaffId: string | null; toStaffId: string; requestedBy: string; reasonNote: string };
    }
  /** Followed by the transfer itself (`CustomerTransferred`, `CustomerAssignedToManager`). */
  | { type: 'CustomerTransferRequestApproved'; data: { customerId: string; requestId: string; approvedBy: string } }
  | { type: 'CustomerTransferRequestRejected'; data: { customerId: string; requestId: string; rejectedBy: string; reasonNote: string } }
  | { type: 'RiskProfileAssessed'; data: { customerId: string; tolerance: RiskLevel; assessedAt: string; validUntil: string } }
  | { type: 'ConsentGranted'; data: { customerId: string; channel: Channel } }
  | { type: 'ConsentWithdrawn'; data: { customerId: string; channel: Channel } }
  | { type: 'CustomerEnrolledInCampaign'; data: { campaignId: string; customerId: string; group: Group } }
  | {
      type: 'CustomerContacted';
      /**
       * Version 2: `outcomeNote` names the outcome's text in the PII vault (erased with the
       * customer); version 1 carried the text itself as `outcome` (read as no note).
       */
      data: { contactId: string; customerId: string; staffId: string; channel: Channel; campaignId: string | null; outcomeNote: string | null; contactedAt: string };
    }
  | { type: 'OfferPresented'; data: OfferData }
  | { type: 'OfferAccepted'; data: OfferData }
  | { type: 'OfferDeclined'; data: OfferData }
  | {
      type: 'OfferBlockedAsUnsuitable';
      data: {
        customerId: string;
        staffId: string;
        productCode: string;
        productRiskLevel: RiskLevel;
        customerTolerance: RiskLevel | null;
        reason: UnsuitableReason;
        attempted: 'offer' | 'conversion';
        campaignId: string | null;
      };
    }
  | { type: 'CrossSellReferred'; data: { referralId: string; customerId: string; referrerStaffId: string; sellerStaffId: string; productCode: string } }
  | {
      type: 'ConversionRecorded';
      data: {
        conversionId: string;
        customerId: string;
        staffId: string;
        productCode: string;
        amount: string;
        revenue: string;
        campaignId: string | null;
        referrerStaffId: string | null;
        referralId: string | null;
      };
    }
  /** Version 2: the reason's text is in the vault (`reasonNote`); version 1 carried it as `reason`. */
  | { type: 'ConversionReversed'; data: { conversionId: string; customerId: string; reasonNote: string | null } }
  | {
      type: 'ComplaintRecorded';
      data: {
        complaintId: string;
        customerId: string;
        /** A code (version 2); version 1 took any text here, read as `other` when it was no code. */
        category: ComplaintCategory;
        /** The vault note describing an `other` complaint; null otherwise (and for version 1). */
        descriptionNote: string | null;
        contactId: string | null;
        staffId: string | null;
        campaignId: string | null;
        answerDueBy: string;
      };
    }
  | { type: 'ComplaintAnswered'; data: { complaintId: string; customerId: string; answeredBy: string; late: boolean } }
  /** Which personal fields were corrected (their values live only in the vault). */
  | { type: 'CustomerPersonalDataCorrected'; data: { customerId: string; fields: string[] } }
  /**
   * The customer's personal data was destroyed; the history stays, anonymous. The ground is a code
   * and a non-personal reference (erasure-reasons.ts): this event outlives the erasure for audit.
   */
  | { type: 'CustomerDataErased'; data: { customerId: string; reasonCode: ErasureReason; requestRef: string | null; erasedBy: string } }
  /** A treatment customer took part in a running campaign (004 篇九 第三十条 2): they pay a share of its cost. */
  | { type: 'CustomerTookPartInCampaign'; data: { campaignId: string; customerId: string; how: ParticipationKind } };

/** The events of the given types: what one concern of the customer writes and folds. */
export type CustomerEventOf<T extends CustomerEvent['type']> = Extract<CustomerEvent, { type: T }>;

/** Who a customer is when they enter the system (no personal data): `CustomerOnboarded`'s facts. */
export interface OnboardingFacts {
  readonly homeUnitId: string;
  readonly segment: string;
  readonly gender: Gender;
  readonly birthYear: number | null;
}

export interface OfferData {
  readonly offerId: string;
  readonly customerId: string;
  readonly staffId: string;
  readonly productCode: string;
  readonly campaignId: string | null;
}

/**
 * A sale's identity in maps and sets: a conversion id is unique only within its customer (and a
 * channel may choose it), so a sale is known by both, never by its conversion id alone.
 */
export const saleKey = (customerId: string, conversionId: string): string => `${customerId}\u0000${conversionId}`;
