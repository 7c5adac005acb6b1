import type { ErasureReason } from './erasure-reasons';
import type { ComplaintCategory } from './complaint-categories';
import type { Organisation, Product } from '../organisation/organisation.state';
import type { Channel, Issued, RiskLevel } from '../shared/types';
import type { Gender, Group, ParticipationKind } from './customer.events';

/** What a customer decision needs to know of a campaign (from its own stream). */
export interface CampaignFacts {
  readonly campaignId: string;
  readonly status: string;
  readonly channels: readonly Channel[];
  readonly productCodes: readonly string[];
  /** The end of the campaign's period (ISO 8601): nothing is done in its name from then on. */
  readonly periodEnd: string;
  /** Its owner chose to reach customers held in other running campaigns' control groups too. */
  readonly includeOtherControlGroups: boolean;
}

/**
 * Campaigns whose control group holds this customer and which still run (`controlGroupInForce`),
 * as the caller read them from the campaigns' own streams; the decider checks them against the
 * customer's enrolments. Read only for what is done for a campaign.
 */
export interface ControlGroupsInForce {
  readonly controlGroupsInForce: readonly string[];
}

export type CustomerCommand = Issued & { customerId: string; org: Organisation } & (
    | { type: 'OnboardCustomer'; segment: string; gender: Gender; birthYear: number | null; assetsByUnit: Record<string, string> }
    | { type: 'RecordBalanceSnapshot'; month: string; averageDailyAssets: string; holdings: string[] }
    | { type: 'AssignManager'; staffId: string }
    /** A claim for a customer not yet in the system, with what onboarding them takes (004 篇九 第九条). */
    | { type: 'FileClaim'; claimId: string; segment: string; gender: Gender; birthYear: number | null; assetsByUnit: Record<string, string> }
    | { type: 'DecideClaim'; claimId: string; approve: boolean; /** A rejection's reason, as its note in the vault. */ reasonNote?: string | null }
    | { type: 'TransferCustomer'; toStaffId: string }
    /** A branch asks head office to move the customer to a manager of another branch; `reasonNote`: the reason's note in the vault. */
    | { type: 'RequestTransfer'; requestId: string; toStaffId: string; reasonNote: string | null }
    /** `reasonNote`: a rejection's reason, as its note in the vault (required to reject). */
    | { type: 'DecideTransferRequest'; requestId: string; approve: boolean; reasonNote: string | null }
    | { type: 'AssessRisk'; tolerance: RiskLevel }
    | { type: 'SetConsent'; channel: Channel; granted: boolean }
    /**
     * A launch puts each audience member in the group its seeded split chose for them; `channels`
     * are the campaign's, so a customer it could not reach on any of them is left out.
     */
    /** `ownerUnitId`: the campaign's owning unit; its subtree bounds whom the campaign may enrol. */
    | ({ type: 'EnrolInCampaign'; campaignId: string; ownerUnitId: string; group: Group; channels: readonly Channel[]; includeOtherControlGroups: boolean } & ControlGroupsInForce)
    | ({
        type: 'RecordContact';
        contactId: string;
        staffId: string;
        channel: Channel;
        /** The outcome as written is personal data: kept in the vault, named here by its note id (null: none). */
        outcomeNote: string | null;
        campaign: CampaignFacts | null;
      } & ControlGroupsInForce)
    | ({ type: 'PresentOffer'; offerId: string; staffId: string; product: Product; campaign: CampaignFacts | null } & ControlGroupsInForce)
    | { type: 'RespondToOffer'; offerId: string; accepted: boolean }
    | { type: 'ReferCrossSell'; referralId: string; referrerStaffId: string; sellerStaffId: string; productCode: string }
    | ({
        type: 'RecordConversion';
        conversionId: string;
        staffId: string;
        product: Product;
        amount: string;
        revenue: string;
        campaign: CampaignFacts | null;
        referrerStaffId: string | null;
        referralId: string | null;
      } & ControlGroupsInForce)
    | { type: 'ReverseConversion'; conversionId: string; /** The reason's note in the vault. */ reasonNote: string | null }
    | { type: 'RecordComplaint'; complaintId: string; category: ComplaintCategory; descriptionNote: string | null; contactId: string | null; answerWithinDays: number }
    | { type: 'AnswerComplaint'; complaintId: string }
    /** `nameMissing`: the vault would be left without a name (personal data always has one). */
    | { type: 'CorrectPersonalData'; fields: string[]; nameMissing?: boolean }
    | { type: 'EraseCustomerData'; reasonCode: ErasureReason; requestRef: string | null }
    /** The customer took part in a running campaign they are a treatment customer of (the participant list). */
    | { type: 'RecordCampaignParticipation'; campaign: CampaignFacts; how: ParticipationKind }
  );

/** The commands of the given types: what one concern of the customer decides. */
export type CustomerCommandOf<T extends CustomerCommand['type']> = Extract<CustomerCommand, { type: T }>;
