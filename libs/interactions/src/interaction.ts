import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { campaignDecider, campaignStream, notFound, type CampaignFacts, type CustomerCommand, type DistributiveOmit, type Organisation, type Role } from '@app/domain';
import { loadState, type EventStore } from '@app/event-store';
import { channel, id, money, occurredAt, text } from './fields';

/**
 * An interaction with a customer — contact, offer, answer, referral, sale, reversal, complaint —
 * as channels send it: the body of `POST /api/interactions` and the value of a
 * `channel.interactions` message alike. One schema, one translation into the customer's command.
 */
const common = { customerId: id, ...occurredAt };
export const interaction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('contact'), ...common, contactId: id.optional(), staffId: id, channel, outcome: text(100), campaignId: id.nullable().optional() }),
  z.strictObject({ kind: z.literal('offer'), ...common, offerId: id.optional(), staffId: id, productCode: id, campaignId: id.nullable().optional() }),
  z.strictObject({ kind: z.literal('offer-response'), ...common, offerId: id, accepted: z.boolean() }),
  z.strictObject({ kind: z.literal('referral'), ...common, referralId: id.optional(), referrerStaffId: id, sellerStaffId: id, productCode: id }),
  z.strictObject({
    kind: z.literal('conversion'),
    ...common,
    conversionId: id.optional(),
    staffId: id,
    productCode: id,
    amount: money,
    revenue: money,
    campaignId: id.nullable().optional(),
    referrerStaffId: id.nullable().optional(),
    referralId: id.nullable().optional(),
  }),
  z.strictObject({ kind: z.literal('reversal'), ...common, conversionId: id, reason: text(500) }),
  z.strictObject({
    kind: z.literal('complaint'),
    ...common,
    complaintId: id.optional(),
    category: text(100),
    contactId: id.nullable().optional(),
    answerWithinDays: z.number().int().min(1).max(90).default(15),
  }),
]);
export type Interaction = z.infer<typeof interaction>;


/** Who may record interactions, on the API and through the channels alike. */
export const INTERACTION_RECORDERS: readonly Role[] = ['relationship_manager', 'branch_head', 'admin'];

/** The customer command an interaction asks for (without who, when and the organisation); `newId` names the new contact, offer, sale… when the sender has not. */
export async function interactionCommand(
  b: Interaction,
  org: Organisation,
  store: EventStore,
  newId: () => string = randomUUID,
): Promise<DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at'>> {
  const campaign = (campaignId: string | null | undefined) => (campaignId ? campaignFacts(store, campaignId) : Promise.resolve(null));
    const customerId = b.customerId;
    switch (b.kind) {
      case 'contact':
        return { type: 'RecordContact', customerId, contactId: b.contactId ?? newId(), staffId: b.staffId, channel: b.channel, outcome: b.outcome, campaign: await campaign(b.campaignId) };
      case 'offer':
        return { type: 'PresentOffer', customerId, offerId: b.offerId ?? newId(), staffId: b.staffId, product: product(org, b.productCode), campaign: await campaign(b.campaignId) };
      case 'offer-response':
        return { type: 'RespondToOffer', customerId, offerId: b.offerId, accepted: b.accepted };
      case 'referral':
        return { type: 'ReferCrossSell', customerId, referralId: b.referralId ?? newId(), referrerStaffId: b.referrerStaffId, sellerStaffId: b.sellerStaffId, productCode: b.productCode };
      case 'conversion':
        return {
          type: 'RecordConversion',
          customerId,
          conversionId: b.conversionId ?? newId(),
          staffId: b.staffId,
          product: product(org, b.productCode),
          amount: b.amount,
          revenue: b.revenue,
          campaign: await campaign(b.campaignId),
          referrerStaffId: b.referrerStaffId ?? null,
          referralId: b.referralId ?? null,
        };
      case 'reversal':
        return { type: 'ReverseConversion', customerId, conversionId: b.conversionId, reason: b.reason };
      case 'complaint':
        return { type: 'RecordComplaint', customerId, complaintId: b.complaintId ?? newId(), category: b.category, contactId: b.contactId ?? null, answerWithinDays: b.answerWithinDays };
    }
}

export async function campaignFacts(store: EventStore, campaignId: string): Promise<CampaignFacts> {
  const { state } = await loadState(store, campaignStream(campaignId), campaignDecider);
  if (state.status === 'none' || !state.plan) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  return { campaignId, status: state.status, channels: state.plan.channels, productCodes: state.plan.productCodes };
}

function product(org: Organisation, productCode: string) {
  const p = org.products.get(productCode);
  if (!p) throw notFound('UNKNOWN_PRODUCT', `no product ${productCode}`, { productCode });
  return p;
}

/** The id of the thing an interaction created (contact, offer, conversion…), for the response. */
export function idOf(c: object): string | undefined {
  for (const k of ['contactId', 'offerId', 'referralId', 'conversionId', 'complaintId'] as const) {
    const v = (c as Record<string, unknown>)[k];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

