import { isBefore } from '../shared/time';
import type { CampaignFacts } from './customer.commands';
import { campaignNotRunning, campaignPeriodOver, controlGroupCustomer, inAnotherControlGroup, notEnrolled } from './customer.errors';
import type { Group } from './customer.events';

/** Whom a campaign may reach, by the customer's enrolments: what a contact, offer or sale in a campaign's name is checked against. */
type Enrolments = { readonly enrolments: ReadonlyMap<string, Group> };

/**
 * A campaign may reach only its treatment customers, only while it runs (launched, within its
 * period), and not those another running campaign holds in its control group unless its owner
 * chose to include them.
 */
export function requireCampaignReach(s: Enrolments, campaign: CampaignFacts, at: string, controlGroupsInForce: readonly string[]): void {
  const group = s.enrolments.get(campaign.campaignId);
  if (!group) throw notEnrolled(campaign.campaignId);
  if (group === 'control') throw controlGroupCustomer(campaign.campaignId);
  if (campaign.status !== 'launched') throw campaignNotRunning(campaign.campaignId, campaign.status);
  if (!isBefore(at, campaign.periodEnd)) throw campaignPeriodOver(campaign.campaignId, campaign.periodEnd);
  if (!campaign.includeOtherControlGroups) requireOutsideOtherControlGroups(s, campaign.campaignId, controlGroupsInForce);
}

/**
 * Another running campaign's control group is kept out of this one, or its lift means nothing.
 * Which campaigns still run comes with the command; which of them hold the customer in control, from
 * the customer's own enrolments.
 */
export function requireOutsideOtherControlGroups(s: Enrolments, campaignId: string, controlGroupsInForce: readonly string[]): void {
  const holding = controlGroupsInForce.filter((id) => id !== campaignId && s.enrolments.get(id) === 'control');
  if (holding.length > 0) throw inAnotherControlGroup([...new Set(holding)].sort());
}
