import { campaignDecider, campaignStream, controlGroupInForce, type CustomerState } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { loadState } from '../command-handling/handle-command';

type Enrolled = Pick<CustomerState, 'enrolments'>;

/**
 * For each of these customers, the campaigns holding them in their control group that still run at
 * `at` (launched, period not over), read from the campaigns' own streams (folded once per
 * process). The customer decider keeps such customers out of other campaigns (DOMAIN.md,
 * Campaigns); it is told which control groups are in force, so the rule itself stays pure.
 */
export async function controlGroupsInForce(store: EventStore, customers: Iterable<Enrolled>, at: string): Promise<(customer: Enrolled) => string[]> {
  const held = new Set<string>();
  for (const c of customers) for (const [campaignId, group] of c.enrolments) if (group === 'control') held.add(campaignId);
  const inForce = new Set<string>();
  for (const campaignId of held) {
    const { state } = await loadState(store, campaignStream(campaignId), campaignDecider);
    if (state.plan && controlGroupInForce({ status: state.status, periodEnd: state.plan.period.end }, at)) inForce.add(campaignId);
  }
  return (customer) => [...customer.enrolments].filter(([campaignId, group]) => group === 'control' && inForce.has(campaignId)).map(([campaignId]) => campaignId);
}
