import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  budgetDecider,
  budgetStream,
  campaignDecider,
  campaignStream,
  customerStream,
  isWithin,
  splitAudience,
  type Actor,
  type CampaignEvent,
  type CampaignPlan,
  type DomainEvent,
  type Organisation,
} from '@app/domain';
import { appendDecisions, expectedFor, loadState, retryOnConflict, type CommandContext, type HandledCommand, type StreamDecision } from '../command-handling/handle-command';
import { customerDirectoryProjection, findAudience, waitForProjection, withReadModels } from '@app/read-models';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

export class LaunchCampaign extends Command<HandledCommand<CampaignEvent> & { audienceSize: number; controlCount: number }> {
  constructor(
    readonly campaignId: string,
    readonly randomisationSeed: string | undefined,
    readonly org: Organisation,
    readonly by: Actor,
    readonly at: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** How long a launch waits for the customer directory to include the latest customers. */
const DIRECTORY_WAIT_MS = 10_000;

/**
 * Launch: evaluate the audience over the customer directory, split it into treatment and control
 * by the seeded random split, commit the budget, and enrol every customer on their own stream,
 * all in one append (one transaction on Postgres): a launch happens whole or not at all.
 */
@CommandHandler(LaunchCampaign)
export class LaunchCampaignHandler implements ICommandHandler<LaunchCampaign> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(m: LaunchCampaign) {
    const { store, db } = this.runtime;
    // Enrolment events get ids derived from the campaign, so a repeated launch stores nothing twice.
    const context = { ...m.context, idempotencyKey: m.context.idempotencyKey ?? `launch ${m.campaignId}` };
    return retryOnConflict(5, async () => {
      const campaign = await loadState(store, campaignStream(m.campaignId), campaignDecider);
      const base = { campaignId: m.campaignId, org: m.org, by: m.by, at: m.at };
      const seed = m.randomisationSeed ?? m.campaignId;
      if (campaign.state.status !== 'approved' || !campaign.state.plan) {
        campaignDecider.decide({ ...base, type: 'LaunchCampaign', audienceSize: 0, treatmentCount: 0, randomisationSeed: seed }, campaign.state);
      }
      const plan = campaign.state.plan!;
      const head = await store.headPosition();
      if (head && !(await waitForProjection(db.pool, customerDirectoryProjection.name, head, DIRECTORY_WAIT_MS))) {
        throw new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: 'the customer directory is catching up; try the launch again shortly' });
      }
      const audience = await withReadModels(db.pool, [customerDirectoryProjection.name], (rm) => findAudience(rm, plan.audience, audienceUnits(m.org, plan)));
      const split = splitAudience(seed, audience, plan.controlGroupPercent);
      const treatmentCount = split.filter((x) => x.group === 'treatment').length;
      const events = campaignDecider.decide({ ...base, type: 'LaunchCampaign', audienceSize: split.length, treatmentCount, randomisationSeed: seed }, campaign.state);

      const ownerUnitId = plan.ownerUnitId;
      const budget = await loadState(store, budgetStream(ownerUnitId), budgetDecider);
      const budgetEvents = budgetDecider.decide(
        { type: 'CommitBudget', unitId: ownerUnitId, year: new Date(plan.period.start).getUTCFullYear(), campaignId: m.campaignId, amount: plan.budget, org: m.org, by: m.by, at: m.at },
        budget.state,
      );
      const enrolments: StreamDecision[] = split.map(({ customerId, group }) => ({
        streamId: customerStream(customerId),
        events: [{ type: 'CustomerEnrolledInCampaign', data: { campaignId: m.campaignId, customerId, group } } as DomainEvent],
        expectedRevision: 'any',
      }));
      const position = await appendDecisions(
        store,
        [
          { streamId: campaignStream(m.campaignId), events, expectedRevision: expectedFor(campaign.revision) },
          { streamId: budgetStream(ownerUnitId), events: budgetEvents, expectedRevision: expectedFor(budget.revision) },
          ...enrolments,
        ],
        context,
      );
      return { events, revision: campaign.revision + events.length, position, audienceSize: split.length, controlCount: split.length - treatmentCount };
    });
  }
}

/** Units whose customers the audience may include: the owner's subtree, narrowed by the rule's units. */
function audienceUnits(org: Organisation, plan: CampaignPlan): string[] {
  return [...org.units.keys()].filter(
    (u) => isWithin(org, u, plan.ownerUnitId) && (plan.audience.unitIds.length === 0 || plan.audience.unitIds.some((r) => isWithin(org, u, r))),
  );
}
