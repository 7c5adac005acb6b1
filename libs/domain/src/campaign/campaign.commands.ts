import type { Organisation } from '../organisation/organisation.state';
import type { Issued } from '../shared/types';
import type { Group } from '../customer/customer.events';
import type { CampaignPlan, PlanDocumentFacts } from './campaign.events';

/** A plan as drafted: the control-group share may be left to the platform default (10%). */
export type DraftPlan = Omit<CampaignPlan, 'controlGroupPercent'> & { controlGroupPercent?: number };

export type CampaignCommand = Issued & { campaignId: string; org: Organisation } & (
    | { type: 'DraftCampaign'; plan: DraftPlan }
    /**
     * `planDocumentId`: the document uploaded for this campaign; `planDocument`: what the handler
     * found under that id (null: none), with the campaign it was uploaded for.
     */
    | { type: 'SubmitCampaign'; planDocumentId: string; planDocument: (PlanDocumentFacts & { readonly campaignId: string }) | null }
    | { type: 'ApproveCampaign' }
    | { type: 'RejectCampaign'; reason: string }
    /** The audience is evaluated by the caller (a query over customers) and split here. */
    | { type: 'LaunchCampaign'; audienceSize: number; treatmentCount: number; randomisationSeed: string }
    /**
     * `customerGroup` and `customerTookPart`: the customer's group in this campaign and whether they
     * took part, looked up on their stream by the handler (null / false: not enrolled / did not).
     */
    | { type: 'RecordCampaignCost'; costId: string; amount: string; customerId: string | null; customerGroup: Group | null; customerTookPart?: boolean; description: string; descriptionNote?: string | null }
    /** `customerGroup`: the customer's group in this campaign, looked up on their stream (null: not enrolled). */
    | { type: 'RecordCampaignFeedback'; feedbackId: string; customerId: string | null; customerGroup?: Group | null; rating: number | null; comment: string; /** A customer's comment is kept in the PII vault: its note id (the comment is then ''). */ commentNote?: string | null }
    /** `participantCount`: the treatment customers who took part, counted by the handler from their streams' facts. */
    /** `launchedAt`: when the campaign was launched (its launch's business time), read from its stream by the handler. */
    | { type: 'CompleteCampaign'; participantCount: number; launchedAt?: string | null }
    | { type: 'CancelCampaign'; reason: string; launchedAt?: string | null }
  );
