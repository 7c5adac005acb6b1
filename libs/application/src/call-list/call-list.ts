import { businessMonth, customerDecider, customerStream, DomainError, isBefore, type Actor, type CampaignFacts, type Channel, type CustomerState, type Organisation } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { customerDirectoryProjection, withReadModels, type Queryable } from '@app/read-models';
import type { Pool } from 'pg';
import { loadStates } from '../command-handling/handle-command';
import { controlGroupsInForce } from '../campaigns/control-groups-in-force';
import { campaignFacts } from '../interactions/record-interaction.command';

export interface ChannelNow {
  readonly channel: Channel;
  readonly allowed: boolean;
  /** Why not: the refusal the customer's decider would give a contact now. */
  readonly refusal: { code: string; message: string } | null;
}

export interface CallList {
  readonly at: string;
  /**
   * Per running campaign its products (what an offer in its name presents) and my customers, each with
   * the channels a contact would be accepted on now and the offers of this campaign still awaiting an answer.
   */
  readonly campaigns: {
    campaignId: string;
    periodEnd: string;
    productCodes: string[];
    customers: { customerId: string; contactableNow: boolean; channels: ChannelNow[]; openOffers: { offerId: string; productCode: string }[] }[];
  }[];
  /** Customers of mine not contacted yet this bank month (the maintenance plan, 004 篇九 第十条). */
  readonly maintenanceDue: { customerId: string; lastContactAt: string | null }[];
  /** Complaints of my customers still unanswered, soonest deadline first (001 服务准则 4). */
  readonly complaintsDue: { customerId: string; complaintId: string; answerDueBy: string; overdue: boolean }[];
}

/**
 * A relationship manager's day (004 篇九 第十条; 004:123 "客户经理及时联系客户"): for each running
 * campaign, their treatment customers and, per channel, whether a contact would be accepted now.
 * That is asked of the customer's decider itself (a contact decided and not appended), so the list
 * and the contact's own refusal can never disagree: consent, caps, control groups, period.
 */
export async function callList(store: EventStore, pool: Pool, org: Organisation, actor: Actor, at: string): Promise<CallList> {
  const ids = await withReadModels(pool, [customerDirectoryProjection.name], (db) => myCustomers(db, actor.userId));
  const loaded = await loadStates(store, ids.map(customerStream), customerDecider);
  const customers = ids.map((id) => ({ id, state: loaded.get(customerStream(id))!.state }));
  const heldBy = await controlGroupsInForce(store, customers.map((c) => c.state), at);
  const facts = new Map<string, Promise<CampaignFacts>>();
  const factsOf = (campaignId: string) => facts.get(campaignId) ?? facts.set(campaignId, campaignFacts(store, campaignId)).get(campaignId)!;

  const byCampaign = new Map<string, CallList['campaigns'][number]>();
  for (const { id, state } of customers) {
    for (const [campaignId, group] of state.enrolments) {
      if (group !== 'treatment') continue;
      const campaign = await factsOf(campaignId);
      if (campaign.status !== 'launched' || !isBefore(at, campaign.periodEnd)) continue;
      const channels = campaign.channels.map((channel) => channelNow(state, id, campaign, channel, heldBy(state), org, actor, at));
      const entry = byCampaign.get(campaignId) ?? byCampaign.set(campaignId, { campaignId, periodEnd: campaign.periodEnd, productCodes: [...campaign.productCodes], customers: [] }).get(campaignId)!;
      const openOffers = [...state.offers.values()].filter((o) => o.open && o.campaignId === campaignId).map((o) => ({ offerId: o.offerId, productCode: o.productCode }));
      entry.customers.push({ customerId: id, contactableNow: channels.some((c) => c.allowed), channels, openOffers });
    }
  }
  const month = businessMonth(at);
  const maintenanceDue = customers
    .filter(({ state }) => ![...state.contacts.values()].some((c) => businessMonth(c.at) === month))
    .map(({ id, state }) => ({ customerId: id, lastContactAt: [...state.contacts.values()].map((c) => c.at).sort().at(-1) ?? null }));
  const complaintsDue = customers
    .flatMap(({ id, state }) => [...state.complaints].filter(([, c]) => c.open).map(([complaintId, c]) => ({ customerId: id, complaintId, answerDueBy: c.answerDueBy, overdue: !isBefore(at, c.answerDueBy) })))
    .sort((a, b) => Date.parse(a.answerDueBy) - Date.parse(b.answerDueBy));
  return { at, campaigns: [...byCampaign.values()].sort((a, b) => a.campaignId.localeCompare(b.campaignId)), maintenanceDue, complaintsDue };
}

function channelNow(state: CustomerState, customerId: string, campaign: CampaignFacts, channel: Channel, inForce: string[], org: Organisation, actor: Actor, at: string): ChannelNow {
  try {
    customerDecider.decide({ type: 'RecordContact', customerId, contactId: '\u0000call-list-probe', staffId: actor.userId, channel, outcomeNote: null, campaign, controlGroupsInForce: inForce, org, by: actor, at }, state);
    return { channel, allowed: true, refusal: null };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { channel, allowed: false, refusal: { code: err.code, message: err.message } };
  }
}

async function myCustomers(db: Queryable, staffId: string): Promise<string[]> {
  const { rows } = await db.query<{ customer_id: string }>(`SELECT customer_id FROM customer_directory WHERE manager_id = $1 AND NOT erased ORDER BY customer_id`, [staffId]);
  return rows.map((r) => r.customer_id);
}
