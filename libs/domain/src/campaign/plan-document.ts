import { invalid, illegalState, notFound, refused } from '../errors';
import { campaignInScope } from '../access/access';
import { requireRole } from '../organisation/organisation.decider';
import { outsideScope } from '../organisation/organisation.errors';
import { isWithin, type Organisation } from '../organisation/organisation.state';
import type { Actor } from '../shared/types';
import type { CampaignStatus, PlanDocumentFacts } from './campaign.events';

/** As much of a campaign's state as these rules need (the decider's state is one). */
interface Campaign {
  readonly status: CampaignStatus | 'none';
  readonly plan: { readonly ownerUnitId: string } | null;
}

/** The body field a submission names its document by: refusals about it are shown beside it. */
const FIELD = 'planDocumentId';

/**
 * The plan a submission attaches (DOMAIN.md, Campaigns: "The plan document is attached at
 * submission"): a document uploaded for this very campaign, recorded by id and SHA-256.
 */
export function attachedPlan(planDocumentId: string, found: (PlanDocumentFacts & { readonly campaignId: string }) | null, campaignId: string): PlanDocumentFacts {
  if (!planDocumentId.trim()) throw invalid('PLAN_DOCUMENT_REQUIRED', 'a campaign is submitted with its plan document attached: upload it first', { field: FIELD });
  if (!found || found.documentId !== planDocumentId) throw refused('UNKNOWN_PLAN_DOCUMENT', `no plan document ${planDocumentId} was uploaded`, { planDocumentId, field: FIELD });
  if (found.campaignId !== campaignId) throw refused('PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN', `plan document ${planDocumentId} was uploaded for another campaign`, { planDocumentId, field: FIELD });
  return { documentId: found.documentId, sha256: found.sha256, fileName: found.fileName, mediaType: found.mediaType, size: found.size };
}

/**
 * Who may read a campaign's plan documents: whoever may see the campaign. Outside that scope the
 * campaign is unknown (404), as every read of a campaign answers, so no one learns which ids exist.
 */
export function requirePlanReadable(s: Campaign, org: Organisation, by: Actor, campaignId: string): void {
  if (s.status === 'none' || !s.plan || !campaignInScope(org, by, s.plan.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
}

/**
 * Who may upload one: those who may submit the campaign (its owning unit's marketing, or an admin),
 * while it can still be submitted (a draft, or rejected and to be sent again). Refused as the
 * submission itself is: the role first; an unknown campaign and one the uploader cannot see alike
 * 404; one they see but that is not their unit's 403 (before its state).
 */
export function requirePlanAttachable(s: Campaign, org: Organisation, by: Actor, campaignId: string): void {
  requireRole(by, ['marketer', 'admin']);
  if (s.status === 'none' || !s.plan || !campaignInScope(org, by, s.plan.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  if (!isWithin(org, s.plan!.ownerUnitId, by.unitId)) throw outsideScope(s.plan!.ownerUnitId, by.unitId);
  if (s.status !== 'draft' && s.status !== 'rejected') {
    throw illegalState('INVALID_CAMPAIGN_STATE', `cannot attach a plan to a campaign that is ${s.status}`, { status: s.status, allowed: ['draft', 'rejected'] });
  }
}
