import type { Decider } from '../decider';
import { campaignInScope } from '../access/access';
import { requireBusinessTimeAllowed } from '../periods/business-time';
import { forbidden, illegalState, invalid, notFound, refused } from '../errors';
import { requireRole } from '../organisation/organisation.decider';
import { outsideScope, unknownProduct, unknownUnit } from '../organisation/organisation.errors';
import { approvingUnits, isWithin, type Organisation } from '../organisation/organisation.state';
import { formatFen, toFen } from '../shared/money';
import type { Actor } from '../shared/types';
import { CHANNELS, TIERS, isBefore, isCalendarDay, isTimeWithOffset, nextBusinessDay, startOfBusinessDay } from '../shared';
import { checkAudienceRule } from './audience';
import type { CampaignCommand, DraftPlan } from './campaign.commands';
import type { CampaignEvent, CampaignPlan, CampaignStatus } from './campaign.events';
import { attachedPlan } from './plan-document';

export const campaignStream = (campaignId: string) => `campaign-${campaignId}`;

export interface CampaignState {
  readonly status: CampaignStatus | 'none';
  readonly campaignId: string;
  readonly plan: CampaignPlan | null;
  /** Who drafted it and everyone who ever submitted it: none of them may approve it (four eyes). */
  readonly draftedBy: string | null;
  readonly submitters: ReadonlySet<string>;
  readonly treatmentCount: number;
  readonly costFen: number;
  readonly unassignedCostFen: number;
  readonly costIds: ReadonlySet<string>;
  readonly feedbackIds: ReadonlySet<string>;
}

export const initialState = (): CampaignState => ({
  status: 'none',
  campaignId: '',
  plan: null,
  draftedBy: null,
  submitters: new Set(),
  treatmentCount: 0,
  costFen: 0,
  unassignedCostFen: 0,
  costIds: new Set(),
  feedbackIds: new Set(),
});

/**
 * When a close of a launched campaign happens (`at`): as asked, or, for a close the caller did not date (its business
 * time is its recording time) while its launch is dated ahead of that (a launch may be dated up to a few minutes
 * ahead of the server's clock, or stamped by another server whose clock runs ahead), at the launch itself, so that an
 * undated close right after such a launch is not refused (review r4). A close dated by its caller before the launch
 * stays as asked, and is refused (CLOSE_BEFORE_LAUNCH).
 */
export function closeTime(c: { readonly at: string; readonly recordedAt?: string }, launchedAt: string | null): string {
  const undated = c.recordedAt !== undefined && c.at === c.recordedAt;
  return undated && launchedAt !== null && isBefore(c.at, launchedAt) ? launchedAt : c.at;
}

/**
 * A run closes after it began: a completion or cancellation dated before the launch would leave the campaign a run
 * that ends before it starts, which counts none of the sales accepted in it (review r3).
 */
function requireClosedAfterLaunch(c: { readonly at: string; readonly launchedAt?: string | null }): void {
  if (c.launchedAt && isBefore(c.at, c.launchedAt)) {
    throw refused('CLOSE_BEFORE_LAUNCH', `a campaign cannot be closed before its launch (${c.launchedAt})`, { launchedAt: c.launchedAt, occurredAt: c.at });
  }
}

export function evolve(s: CampaignState, e: CampaignEvent): CampaignState {
  switch (e.type) {
    case 'CampaignDrafted': {
      const { campaignId, draftedBy, ...plan } = e.data;
      return { ...s, status: 'draft', campaignId, plan, draftedBy };
    }
    case 'CampaignSubmitted':
      // A resubmission after a rejection does not clear the earlier submitter's hand in it.
      return { ...s, status: 'submitted', submitters: new Set([...s.submitters, e.data.submittedBy]) };
    case 'CampaignApproved':
      return { ...s, status: 'approved' };
    case 'CampaignRejected':
      return { ...s, status: 'rejected' };
    case 'CampaignLaunched':
      return { ...s, status: 'launched', treatmentCount: e.data.treatmentCount };
    case 'CampaignCostRecorded': {
      const fen = toFen(e.data.amount)!;
      return {
        ...s,
        costFen: s.costFen + fen,
        unassignedCostFen: s.unassignedCostFen + (e.data.customerId === null ? fen : 0),
        costIds: new Set([...s.costIds, e.data.costId]),
      };
    }
    case 'CampaignFeedbackRecorded':
      return { ...s, feedbackIds: new Set([...s.feedbackIds, e.data.feedbackId]) };
    case 'CampaignCompleted':
      return { ...s, status: 'completed' };
    case 'CampaignCancelled':
      return { ...s, status: 'cancelled' };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decide(c: CampaignCommand, s: CampaignState): CampaignEvent[] {
  const campaignId = c.campaignId;
  if (c.type === 'DraftCampaign') {
    if (s.status !== 'none') throw illegalState('ALREADY_EXISTS', `campaign ${campaignId} already exists`, { campaignId });
    const plan = plannedCampaign(c.plan, c.org, c.by);
    if (!plan.name) throw invalid('NAME_REQUIRED', 'a campaign needs a name', { field: 'name' });
    return [{ type: 'CampaignDrafted', data: { campaignId, ...plan, draftedBy: c.by.userId } }];
  }
  // The role first (it says nothing about this campaign); then a campaign the caller cannot see
  // (campaignInScope, as on the read side) answers exactly as one that does not exist, so a 403
  // never tells which campaigns exist. Only someone who may see it learns why they may not act.
  const approval = c.type === 'ApproveCampaign' || c.type === 'RejectCampaign';
  requireRole(c.by, approval ? ['approver', 'admin'] : ['marketer', 'admin']);
  if (s.status === 'none' || !s.plan || !campaignInScope(c.org, c.by, s.plan.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  const plan = s.plan;
  // Who may act on this campaign comes before its state, so nothing about it is told to outsiders:
  // approvals by the unit directly above the owner (004 篇九 第三十条), or further up only when it
  // has no approver; head office's own inside head office (four eyes, below). The rest by the
  // owner's marketing.
  if (approval) {
    const headOffice = c.org.units.get(plan.ownerUnitId)?.parentId === null;
    if (!(headOffice ? [plan.ownerUnitId] : approvingUnits(c.org, plan.ownerUnitId)).includes(c.by.unitId)) {
      throw forbidden('NOT_SUPERIOR_UNIT', 'campaigns are approved by the unit directly above the owning unit (head office\'s own by head office)', {
        ownerUnitId: plan.ownerUnitId,
        actorUnitId: c.by.unitId,
      });
    }
  } else {
    if (!isWithin(c.org, plan.ownerUnitId, c.by.unitId)) throw outsideScope(plan.ownerUnitId, c.by.unitId);
  }

  switch (c.type) {
    case 'SubmitCampaign': {
      requireStatus(s, ['draft', 'rejected'], 'submit');
      return [{ type: 'CampaignSubmitted', data: { campaignId, planDocument: attachedPlan(c.planDocumentId, c.planDocument, campaignId), planDocumentRef: null, submittedBy: c.by.userId } }];
    }
    case 'ApproveCampaign':
    case 'RejectCampaign': {
      requireStatus(s, ['submitted'], c.type === 'ApproveCampaign' ? 'approve' : 'reject');
      if (c.type === 'ApproveCampaign' && (c.by.userId === s.draftedBy || s.submitters.has(c.by.userId))) {
        throw forbidden('FOUR_EYES', 'a campaign is approved by someone who neither drafted nor submitted it', { campaignId });
      }
      if (c.type === 'ApproveCampaign') return [{ type: 'CampaignApproved', data: { campaignId, approvedBy: c.by.userId, approverUnitId: c.by.unitId } }];
      if (!c.reason.trim()) throw invalid('REASON_REQUIRED', 'a rejection gives its reason');
      return [{ type: 'CampaignRejected', data: { campaignId, rejectedBy: c.by.userId, approverUnitId: c.by.unitId, reason: c.reason.trim() } }];
    }
    case 'LaunchCampaign': {
      requireStatus(s, ['approved'], 'launch');
      if (isBefore(c.at, plan.period.start)) throw refused('CAMPAIGN_NOT_STARTED', `the campaign period starts on ${plan.period.start}`, { start: plan.period.start, field: 'period' });
      if (!isBefore(c.at, plan.period.end)) throw refused('CAMPAIGN_PERIOD_OVER', `the campaign period ended on ${plan.period.end}`, { end: plan.period.end, field: 'period' });
      if (c.audienceSize === 0) throw refused('EMPTY_AUDIENCE', 'no customer matches the audience rule', { audience: plan.audience, field: 'audience' });
      return [
        {
          type: 'CampaignLaunched',
          data: {
            campaignId,
            launchedBy: c.by.userId,
            audienceSize: c.audienceSize,
            treatmentCount: c.treatmentCount,
            controlCount: c.audienceSize - c.treatmentCount,
            randomisationSeed: c.randomisationSeed,
            budgetCommitted: plan.budget,
          },
        },
      ];
    }
    case 'RecordCampaignCost': {
      // A cost sets the campaign's ROI for its month: held to the same closing and grace as a sale.
      requireBusinessTimeAllowed(c);
      requireStatus(s, ['launched'], 'record costs for');
      if (s.costIds.has(c.costId)) throw illegalState('ALREADY_EXISTS', `cost ${c.costId} already exists`, { costId: c.costId });
      const fen = toFen(c.amount);
      if (fen === undefined || fen <= 0) throw invalid('INVALID_AMOUNT', 'amount must be a positive amount in CNY with at most two decimals', { amount: c.amount });
      // A cost line names a customer only when they took part: they pay it from their points (第三十条 2–3).
      if (c.customerId !== null && (c.customerGroup !== 'treatment' || c.customerTookPart !== true)) {
        throw refused('NOT_A_PARTICIPANT', `customer ${c.customerId} did not take part in this campaign`, { customerId: c.customerId, group: c.customerGroup });
      }
      const budget = toFen(plan.budget)!;
      if (s.costFen + fen > budget) {
        throw refused('BUDGET_EXCEEDED', 'the campaign\'s costs would exceed its budget', { budget: plan.budget, spent: formatFen(s.costFen), amount: formatFen(fen), field: 'amount' });
      }
      return [{ type: 'CampaignCostRecorded', data: { campaignId, costId: c.costId, amount: formatFen(fen), customerId: c.customerId, description: c.description, descriptionNote: c.descriptionNote ?? null } }];
    }
    case 'RecordCampaignFeedback': {
      requireStatus(s, ['launched', 'completed'], 'record feedback for');
      if (s.feedbackIds.has(c.feedbackId)) throw illegalState('ALREADY_EXISTS', `feedback ${c.feedbackId} already exists`, { feedbackId: c.feedbackId });
      if (c.rating !== null && !(Number.isInteger(c.rating) && c.rating >= 1 && c.rating <= 5)) throw invalid('INVALID_RATING', 'rating is a whole number from 1 to 5');
      // Feedback names a customer only when they took part (a record about anyone else is refused).
      if (c.customerId !== null && c.customerGroup !== 'treatment') throw refused('NOT_A_PARTICIPANT', `customer ${c.customerId} is not a participant of this campaign`, { customerId: c.customerId });
      return [{ type: 'CampaignFeedbackRecorded', data: { campaignId, feedbackId: c.feedbackId, customerId: c.customerId, rating: c.rating, comment: c.comment, commentNote: c.commentNote ?? null } }];
    }
    case 'CompleteCampaign': {
      requireStatus(s, ['launched'], 'complete');
      // A close ends the run its group figures count in (the sales after it leave them): held to the same closing and
      // grace as a sale, or a close dated far back would take accepted sales out of figures of days already past.
      requireBusinessTimeAllowed(c);
      requireClosedAfterLaunch(c);
      // The customers who took part (第三十条 2), not the whole treatment group: only they share the
      // costs that cannot be tied to one of them (第三十条 3). Who they are is on their own streams.
      const participants = c.participantCount;
      if (!Number.isInteger(participants) || participants < 0 || participants > s.treatmentCount) {
        throw invalid('INVALID_PARTICIPANT_COUNT', 'participants are treatment customers: a whole number up to the treatment group\'s size', { participantCount: participants, treatmentCount: s.treatmentCount });
      }
      const share = participants > 0 ? Math.floor(s.unassignedCostFen / participants) : 0;
      return [
        {
          type: 'CampaignCompleted',
          data: {
            campaignId,
            completedBy: c.by.userId,
            totalCost: formatFen(s.costFen),
            unassignedCost: formatFen(s.unassignedCostFen),
            participantCount: participants,
            unassignedSharePerParticipant: formatFen(share),
            budgetReleased: formatFen(Math.max(0, toFen(plan.budget)! - s.costFen)),
          },
        },
      ];
    }
    case 'CancelCampaign': {
      requireStatus(s, ['draft', 'submitted', 'approved', 'rejected', 'launched'], 'cancel');
      // Cancelling a running campaign closes its run (as a completion does); before the launch there is no run to close.
      if (s.status === 'launched') {
        requireBusinessTimeAllowed(c);
        requireClosedAfterLaunch(c);
      }
      const released = s.status === 'launched' ? Math.max(0, toFen(plan.budget)! - s.costFen) : 0;
      return [{ type: 'CampaignCancelled', data: { campaignId, cancelledBy: c.by.userId, reason: c.reason, budgetReleased: formatFen(released) } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export const campaignDecider: Decider<CampaignCommand, CampaignState, CampaignEvent> = { initialState, evolve, decide };

function requireStatus(s: CampaignState, allowed: readonly CampaignStatus[], action: string): void {
  if (!allowed.includes(s.status as CampaignStatus)) {
    throw illegalState('INVALID_CAMPAIGN_STATE', `cannot ${action} a campaign that is ${s.status}`, { status: s.status, allowed });
  }
}

/**
 * The rules a drafted plan meets whatever the campaign's stream holds: the role, the plan's own (units, products,
 * channels, the audience rule, budget, period, control group, targets) and the scope of its units. A draft needs
 * besides a new id and a name (`decide`); the audience preview checks a plan with these alone, so what it documents
 * (its 400s and 404s, and no 409: it decides on no stream) is what it can answer.
 */
export function plannedCampaign(p: DraftPlan, org: Organisation, by: Actor): CampaignPlan {
  requireRole(by, ['marketer', 'admin']);
  const plan = validPlan(p, org);
  if (!isWithin(org, plan.ownerUnitId, by.unitId)) throw outsideScope(plan.ownerUnitId, by.unitId);
  // The audience is drawn from the owning unit's customers: naming another unit is refused now, not found out at launch.
  for (const u of plan.audience.unitIds) if (!isWithin(org, u, plan.ownerUnitId)) throw outsideScope(u, plan.ownerUnitId);
  return plan;
}

function validPlan(p: DraftPlan, org: Organisation): CampaignPlan {
  if (!org.units.has(p.ownerUnitId)) throw unknownUnit(p.ownerUnitId);
  if (p.productCodes.length === 0) throw invalid('PRODUCTS_REQUIRED', 'a campaign offers at least one product', { field: 'productCodes' });
  for (const code of p.productCodes) if (!org.products.has(code)) throw unknownProduct(code);
  if (p.channels.length === 0) throw invalid('CHANNELS_REQUIRED', 'a campaign uses at least one channel', { field: 'channels' });
  for (const ch of p.channels) if (!CHANNELS.includes(ch)) throw invalid('INVALID_CHANNEL', `unknown channel ${ch}`, { channel: ch, field: 'channels' });
  for (const t of p.audience.tiers) if (!TIERS.includes(t)) throw invalid('INVALID_TIER', `unknown tier ${t}`, { tier: t, field: 'audience.tiers' });
  for (const u of p.audience.unitIds) if (!org.units.has(u)) throw unknownUnit(u);
  checkAudienceRule(p.audience);
  const budget = toFen(p.budget);
  if (budget === undefined || budget < 0) throw invalid('INVALID_AMOUNT', 'budget must be a non-negative amount with at most two decimals', { budget: p.budget, field: 'budget' });
  const period = { start: periodBound(p.period.start, 'start'), end: periodBound(p.period.end, 'end') };
  if (!period.start || !period.end || !isBefore(period.start, period.end)) {
    throw invalid('INVALID_PERIOD', 'the period needs a start before its end (bank days, or times with their offset)', { period: p.period, field: 'period' });
  }
  const control = p.controlGroupPercent ?? 10;
  if (!Number.isInteger(control) || control < 0 || control > 50) {
    throw invalid('INVALID_CONTROL_GROUP', 'the control group is a whole percentage from 0 to 50', { controlGroupPercent: control, field: 'controlGroupPercent' });
  }
  const revenueTarget = p.targets.revenue === null ? null : toFen(p.targets.revenue);
  if (revenueTarget === undefined || (revenueTarget !== null && revenueTarget < 0)) throw invalid('INVALID_AMOUNT', 'the revenue target must be an amount of zero or more', { revenue: p.targets.revenue, field: 'targets' });
  return {
    name: p.name.trim(),
    objective: p.objective,
    ownerUnitId: p.ownerUnitId,
    productCodes: [...new Set(p.productCodes)],
    channels: [...new Set(p.channels)],
    audience: p.audience,
    budget: formatFen(budget),
    period: period as { start: string; end: string },
    controlGroupPercent: control,
    ...(p.includeOtherControlGroups ? { includeOtherControlGroups: true } : {}),
    targets: { conversions: p.targets.conversions, revenue: revenueTarget === null ? null : formatFen(revenueTarget) },
  };
}

/**
 * A period bound: a bank day as the start means from its first instant in the bank's zone; as the
 * end, the whole day is in (the period ends when the next bank day begins). A time must carry its offset.
 */
export function periodBound(value: string, side: 'start' | 'end'): string | undefined {
  if (isCalendarDay(value)) return startOfBusinessDay(side === 'start' ? value : nextBusinessDay(value));
  return isTimeWithOffset(value) ? new Date(value).toISOString() : undefined;
}
