import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  campaignDecider,
  campaignStream,
  customerDecider,
  customerStream,
  invalid,
  notFound,
  type Actor,
  type CampaignFacts,
  type CustomerCommand,
  type CustomerStreamEvent,
  type DistributiveOmit,
  type Organisation,
} from '@app/domain';
import type { EventStore } from '@app/event-store';
import type { Interaction } from '@app/interactions';
import type { Runtime } from '@app/platform';
import { handleCommand, loadState, recordingOf, type CommandContext, type HandledCommand } from '../command-handling/handle-command';
import { controlGroupsInForce } from '../campaigns/control-groups-in-force';
import { OrganisationDirectory } from '../organisation/organisation.directory';
import { RUNTIME } from '../runtime.token';

export interface RecordedInteraction extends HandledCommand<CustomerStreamEvent> {
  readonly streamId: string;
  /** The contact, offer, referral, sale or complaint the interaction created, when it created one. */
  readonly recordId: string | undefined;
}

/**
 * An interaction with a customer (contact, offer, answer, referral, sale, reversal, complaint,
 * participation in a campaign),
 * from the HTTP API or a channel message alike: translated into the customer's command and
 * decided on the customer's stream, where contact policy, control groups and suitability live.
 * `newId` names what the interaction creates when the sender has not (the ingest uses the
 * message id, so a redelivery names it the same).
 */
export class RecordInteraction extends Command<RecordedInteraction> {
  constructor(
    readonly interaction: Interaction,
    readonly by: Actor,
    readonly context: CommandContext,
    readonly newId: () => string = randomUUID,
  ) {
    super();
  }
}

@CommandHandler(RecordInteraction)
export class RecordInteractionHandler implements ICommandHandler<RecordInteraction> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  async execute({ interaction, by, context, newId }: RecordInteraction): Promise<RecordedInteraction> {
    const org = await this.directory.current();
    // Free text about the customer goes to the vault under the customer's key; the event names the
    // note. It is kept before the events are appended, and taken back if the command is refused.
    const notes: [string, string][] = [];
    const note = async (noteId: string, text: string) => (notes.push([noteId, text]), noteId);
    const command = await interactionCommand(interaction, org, this.runtime.store, context.occurredAt, newId, note);
    const streamId = customerStream(interaction.customerId);
    const full = { ...command, org, by, at: context.occurredAt, ...recordingOf(context) } as CustomerCommand;
    const handled = await this.runtime.vault.notes.around(interaction.customerId, notes, () => handleCommand(this.runtime.store, streamId, customerDecider, full, context));
    return { ...handled, streamId, recordId: idOf(command) };
  }
}

/**
 * The customer command an interaction asks for (without who, when and the organisation); `newId`
 * names the new contact, offer, sale… when the sender has not. For a campaign's contact, offer or
 * sale it reads the campaign's facts, and which running campaigns hold the customer in their
 * control group at `at`, from the campaigns' streams.
 */
export async function interactionCommand(
  b: Interaction,
  org: Organisation,
  store: EventStore,
  at: string,
  newId: () => string = randomUUID,
  /** Keeps free text in the vault as note `noteId` and answers the id the event names. */
  note: (noteId: string, text: string) => Promise<string>,
): Promise<DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at'>> {
  const campaign = (campaignId: string | null | undefined) => (campaignId ? campaignFacts(store, campaignId) : Promise.resolve(null));
  const customerId = b.customerId;
  const inForce = async (campaignId: string | null | undefined): Promise<readonly string[]> => {
    if (!campaignId) return [];
    const { state } = await loadState(store, customerStream(customerId), customerDecider);
    return (await controlGroupsInForce(store, [state], at))(state);
  };
  switch (b.kind) {
      case 'contact': {
        const contactId = b.contactId ?? newId();
        return {
          type: 'RecordContact',
          customerId,
          contactId,
          staffId: b.staffId,
          channel: b.channel,
          outcomeNote: await note(`contact:${contactId}:outcome`, b.outcome),
          campaign: await campaign(b.campaignId),
          controlGroupsInForce: await inForce(b.campaignId),
        };
      }
      case 'offer':
        return {
          type: 'PresentOffer',
          customerId,
          offerId: b.offerId ?? newId(),
          staffId: b.staffId,
          product: product(org, b.productCode),
          campaign: await campaign(b.campaignId),
          controlGroupsInForce: await inForce(b.campaignId),
        };
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
          controlGroupsInForce: await inForce(b.campaignId),
          referrerStaffId: b.referrerStaffId ?? null,
          referralId: b.referralId ?? null,
        };
      case 'reversal':
        return { type: 'ReverseConversion', customerId, conversionId: b.conversionId, reasonNote: await note(`reversal:${b.conversionId}:reason`, b.reason) };
      case 'complaint': {
        if (b.category === 'other' && !b.description?.trim()) throw invalid('DESCRIPTION_REQUIRED', "a complaint of category 'other' needs a description", { field: 'description' });
        const complaintId = b.complaintId ?? newId();
        const descriptionNote = b.description?.trim() ? await note(`complaint:${complaintId}:description`, b.description) : null;
        return { type: 'RecordComplaint', customerId, complaintId, category: b.category, descriptionNote, contactId: b.contactId ?? null, answerWithinDays: b.answerWithinDays };
      }
      case 'participation':
        return { type: 'RecordCampaignParticipation', customerId, campaign: await campaignFacts(store, b.campaignId), how: b.how };
    }
}

export async function campaignFacts(store: EventStore, campaignId: string): Promise<CampaignFacts> {
  const { state } = await loadState(store, campaignStream(campaignId), campaignDecider);
  if (state.status === 'none' || !state.plan) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  return {
    campaignId,
    status: state.status,
    channels: state.plan.channels,
    productCodes: state.plan.productCodes,
    periodEnd: state.plan.period.end,
    includeOtherControlGroups: state.plan.includeOtherControlGroups ?? false,
  };
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

