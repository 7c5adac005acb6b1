import {
  budgetDecider,
  budgetStream,
  businessYear,
  campaignDecider,
  campaignStream,
  customerDecider,
  customerStream,
  DomainError,
  requireSameSplit,
  splitAudience,
  type Actor,
  type CustomerState,
  type DomainEvent,
  type Organisation,
} from '@app/domain';
import { appendDecisions, controlGroupsInForce, expectedFor, loadState, loadStates, type CommandContext, type StreamDecision } from '@app/application';
import { campaignAudience, customerDirectoryProjection, enrolledInCampaign, withReadModels } from '@app/read-models';
import type { Runtime } from '@app/platform';

const EXCLUSIONS = new Set(['DATA_ERASED', 'OPTED_OUT', 'IN_ANOTHER_CONTROL_GROUP', 'OUTSIDE_CAMPAIGN_UNIT']);

/**
 * The same-run baseline for a launch at size: the launch handler as it was before (commit c763abb):
 * every customer of the audience read in bulk and folded, all the states held at once, then
 * decided, then the enrolments appended 1,000 per append, one append at a time. Same events, same
 * ids; kept here only to measure against (no conflict retry: the bench launches alone).
 */
export async function launchAsBefore(runtime: Runtime, campaignId: string, org: Organisation, by: Actor, at: string, commandContext: CommandContext): Promise<{ audienceSize: number }> {
  const { store, db } = runtime;
  const context = { ...commandContext, idempotencyKey: `launch ${campaignId}` };
  const seed = campaignId;
  const launch = (audienceSize: number, treatmentCount: number) => ({ type: 'LaunchCampaign', campaignId, org, by, at, audienceSize, treatmentCount, randomisationSeed: seed }) as const;
  const known = new Map<string, { state: CustomerState; revision: number }>();
  const campaign = await loadState(store, campaignStream(campaignId), campaignDecider);
  campaignDecider.decide(launch(1, 1), campaign.state);
  const plan = campaign.state.plan!;
  const { audience, enrolledBefore } = await withReadModels(db.pool, [customerDirectoryProjection.name], async (rm) => ({
    audience: await campaignAudience(rm, plan, campaignId, org, at),
    enrolledBefore: await enrolledInCampaign(rm, campaignId),
  }));
  const inAudience = new Set(audience.customerIds);
  const split = splitAudience(seed, [...audience.customerIds, ...enrolledBefore.filter((id) => !inAudience.has(id))], plan.controlGroupPercent);
  const customers = await loadStates(store, split.map((x) => customerStream(x.customerId)), customerDecider, known);
  const alreadyEnrolled = split.flatMap(({ customerId }) => {
    const group = customers.get(customerStream(customerId))!.state.enrolments.get(campaignId);
    return group ? [{ customerId, group }] : [];
  });
  requireSameSplit(seed, plan.controlGroupPercent, alreadyEnrolled);
  const heldBy = await controlGroupsInForce(store, [...customers.values()].map((c) => c.state), at);
  const enrolments: StreamDecision[] = [];
  let enrolled = 0;
  let treatmentCount = 0;
  for (const { customerId, group } of split) {
    const customer = customers.get(customerStream(customerId))!;
    let events: readonly DomainEvent[];
    try {
      events = customerDecider.decide(
        {
          type: 'EnrolInCampaign', customerId, campaignId, ownerUnitId: plan.ownerUnitId, group, channels: plan.channels,
          includeOtherControlGroups: plan.includeOtherControlGroups ?? false, controlGroupsInForce: heldBy(customer.state), org, by, at,
        },
        customer.state,
      );
    } catch (refusal) {
      if (!(refusal instanceof DomainError) || !EXCLUSIONS.has(refusal.code)) throw refusal;
      continue;
    }
    enrolled++;
    if ((customer.state.enrolments.get(campaignId) ?? group) === 'treatment') treatmentCount++;
    enrolments.push({ streamId: customerStream(customerId), events, expectedRevision: expectedFor(customer.revision) });
  }
  const events = campaignDecider.decide(launch(enrolled, treatmentCount), campaign.state);
  const budget = await loadState(store, budgetStream(plan.ownerUnitId), budgetDecider);
  const budgetEvents = budgetDecider.decide(
    { type: 'CommitBudget', unitId: plan.ownerUnitId, year: businessYear(plan.period.start), campaignId, amount: plan.budget, org, by, at },
    budget.state,
  );
  for (let i = 0; i < enrolments.length; i += 1_000) await appendDecisions(store, enrolments.slice(i, i + 1_000), context);
  await appendDecisions(
    store,
    [
      { streamId: budgetStream(plan.ownerUnitId), events: budgetEvents, expectedRevision: expectedFor(budget.revision) },
      { streamId: campaignStream(campaignId), events, expectedRevision: expectedFor(campaign.revision) },
    ],
    context,
  );
  return { audienceSize: enrolled };
}
