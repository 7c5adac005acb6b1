import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fold, campaignDecider, campaignInScope, formatFen, forbidden, illegalState, isWithin, notFound, pointsDecider, pointsStream, requireRole, toFen, campaignStream, type Actor, type CampaignEvent, type Organisation } from '@app/domain';
import { appendDecisions, expectedFor, loadState, retryOnConflict, type CommandContext, type StreamDecision } from '../command-handling/handle-command';
import type { Runtime } from '@app/platform';
import { campaignEffectivenessProjection, campaignParticipantCosts, waitForProjection, withReadModels } from '@app/read-models';
import { RUNTIME } from '../runtime.token';

export interface PointsDeduction {
  readonly campaignId: string;
  readonly participants: number;
  /** Participants whose points were deducted by this run (0 on a repeat). */
  readonly deducted: number;
  readonly points: number;
}

export class DeductParticipantPoints extends Command<PointsDeduction> {
  constructor(
    readonly campaignId: string,
    readonly by: Actor,
    readonly org: Organisation,
    readonly at: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const CHUNK = 500;

/**
 * After a campaign completes, each participant's benefit points are deducted by their cost share
 * (第三十条): the even share of the unassigned costs plus the costs recorded for them. Participants
 * are the treatment customers who took part (recorded as such, or accepted one of the campaign's
 * offers), not everyone enrolled; they and their direct costs come from the campaign-effectiveness
 * read model, and the points decider takes the share from benefit points only. Each
 * deduction is decided on the customer's points stream (once per campaign, never below zero),
 * so running this again after a failure finishes the job without deducting twice.
 */
@CommandHandler(DeductParticipantPoints)
export class DeductParticipantPointsHandler implements ICommandHandler<DeductParticipantPoints> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ campaignId, by, org, at, context }: DeductParticipantPoints): Promise<PointsDeduction> {
    const { store, db } = this.runtime;
    const history = await store.readStream(campaignStream(campaignId));
    const plan = fold(campaignDecider, history as unknown as CampaignEvent[]).plan;
    requireRole(by, ['marketer', 'admin']);
    // Out of sight answers as unknown (access.ts, campaignInScope): a 403 would tell the campaign exists.
    if (!plan || !campaignInScope(org, by, plan.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
    if (!isWithin(org, plan.ownerUnitId, by.unitId)) throw forbidden('OUTSIDE_SCOPE', `campaign ${campaignId} belongs to ${plan.ownerUnitId}, outside your unit`, { campaignId, ownerUnitId: plan.ownerUnitId });
    const completed = history.filter((e) => e.type === 'CampaignCompleted').at(-1);
    if (!completed) throw illegalState('CAMPAIGN_NOT_COMPLETED', 'points are deducted once the campaign has completed', { campaignId });
    if (!(await waitForProjection(db.pool, campaignEffectivenessProjection.name, completed.position, 10_000))) {
      throw new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: 'the campaign read model is catching up; try again shortly' });
    }
    const shareFen = toFen((completed.data as { unassignedSharePerParticipant: string }).unassignedSharePerParticipant)!;
    const participants = (await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignParticipantCosts(rm, campaignId))).map((p) => ({
      customerId: p.customerId,
      costFen: shareFen + p.directCostFen,
    }));
    const keyed = { ...context, idempotencyKey: `points ${campaignId}` };
    let deducted = 0;
    let points = 0;
    for (let i = 0; i < participants.length; i += CHUNK) {
      const chunk = participants.slice(i, i + CHUNK);
      const result = await retryOnConflict(5, async () => {
        const decisions: StreamDecision[] = [];
        let chunkPoints = 0;
        for (const p of chunk) {
          const { state, revision } = await loadState(store, pointsStream(p.customerId), pointsDecider);
          const events = pointsDecider.decide({ type: 'DeductCampaignCost', customerId: p.customerId, campaignId, costShare: formatFen(p.costFen), at, by }, state);
          if (events.length === 0) continue;
          chunkPoints += events.reduce((n, e) => n + (e.data as { points: number }).points, 0);
          decisions.push({ streamId: pointsStream(p.customerId), events, expectedRevision: expectedFor(revision) });
        }
        await appendDecisions(store, decisions, keyed);
        return { count: decisions.length, points: chunkPoints };
      });
      deducted += result.count;
      points += result.points;
    }
    return { campaignId, participants: participants.length, deducted, points };
  }
}
