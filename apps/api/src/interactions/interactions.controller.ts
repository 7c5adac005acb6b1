import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { campaignDecider, campaignStream, customerDecider, customerStream, notFound, type Actor, type CampaignFacts, type CustomerCommand, type Organisation } from '@app/domain';
import { loadState, type EventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import type { Runtime } from '@app/platform';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, type DistributiveOmit, type Issue } from '../http/commands';
import { channel, id, money, occurredAt, text, toOpenApi } from '../http/schemas';
import { parseBody } from '../http/validation';
import { DecideOnStream } from '../http/decide-on-stream.command';
import { RUNTIME } from '../runtime.token';

const common = { customerId: id, ...occurredAt };
const interaction = z.discriminatedUnion('kind', [
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
type Interaction = z.infer<typeof interaction>;

const EXAMPLES = {
  contact: { value: { kind: 'contact', customerId: 'C-10001', staffId: 'rm-001', channel: 'phone', outcome: 'reached', campaignId: 'K-2026-001' } },
  offer: { value: { kind: 'offer', customerId: 'C-10001', staffId: 'rm-001', productCode: 'FUND-BOND', campaignId: 'K-2026-001' } },
  'offer-response': { value: { kind: 'offer-response', customerId: 'C-10001', offerId: 'O-1', accepted: true } },
  referral: { value: { kind: 'referral', customerId: 'C-10001', referrerStaffId: 'teller-07', sellerStaffId: 'rm-001', productCode: 'GOLD' } },
  conversion: { value: { kind: 'conversion', customerId: 'C-10001', staffId: 'rm-001', productCode: 'FUND-BOND', amount: '50000.00', revenue: '750.00', campaignId: 'K-2026-001' } },
  reversal: { value: { kind: 'reversal', customerId: 'C-10001', conversionId: 'V-1', reason: 'cooling-off cancellation' } },
  complaint: { value: { kind: 'complaint', customerId: 'C-10001', category: 'too_many_calls', contactId: 'X-1' } },
};

/**
 * What relationship managers and channels record about a customer: contacts, offers, answers,
 * referrals, sales, reversals, complaints. Each lands on the customer's stream, where contact
 * policy, control groups and suitability are decided.
 */
@ApiTags('interactions')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/interactions')
export class InteractionsController {
  constructor(
    private readonly commands: Commands,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post()
  @ApiOperation({ summary: 'Record an interaction; `kind` selects contact, offer, offer-response, referral, conversion, reversal or complaint' })
  @ApiBody({ schema: toOpenApi(interaction), examples: EXAMPLES })
  async record(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown) {
    const b = parseBody(interaction, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const command = await this.toCommand(b, issue.org);
    const full = { ...command, org: issue.org, by: issue.by, at: issue.at } as CustomerCommand;
    const streamId = customerStream(b.customerId);
    const result = await this.commands.send(new DecideOnStream(streamId, customerDecider, full, issue.context), b.customerId, streamId);
    return { ...result, id: idOf(command) ?? result.id };
  }

  private async toCommand(b: Interaction, org: Organisation): Promise<DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at'>> {
    const customerId = b.customerId;
    switch (b.kind) {
      case 'contact':
        return { type: 'RecordContact', customerId, contactId: b.contactId ?? randomUUID(), staffId: b.staffId, channel: b.channel, outcome: b.outcome, campaign: await this.campaign(b.campaignId) };
      case 'offer':
        return { type: 'PresentOffer', customerId, offerId: b.offerId ?? randomUUID(), staffId: b.staffId, product: product(org, b.productCode), campaign: await this.campaign(b.campaignId) };
      case 'offer-response':
        return { type: 'RespondToOffer', customerId, offerId: b.offerId, accepted: b.accepted };
      case 'referral':
        return { type: 'ReferCrossSell', customerId, referralId: b.referralId ?? randomUUID(), referrerStaffId: b.referrerStaffId, sellerStaffId: b.sellerStaffId, productCode: b.productCode };
      case 'conversion':
        return {
          type: 'RecordConversion',
          customerId,
          conversionId: b.conversionId ?? randomUUID(),
          staffId: b.staffId,
          product: product(org, b.productCode),
          amount: b.amount,
          revenue: b.revenue,
          campaign: await this.campaign(b.campaignId),
          referrerStaffId: b.referrerStaffId ?? null,
          referralId: b.referralId ?? null,
        };
      case 'reversal':
        return { type: 'ReverseConversion', customerId, conversionId: b.conversionId, reason: b.reason };
      case 'complaint':
        return { type: 'RecordComplaint', customerId, complaintId: b.complaintId ?? randomUUID(), category: b.category, contactId: b.contactId ?? null, answerWithinDays: b.answerWithinDays };
    }
  }

  /** What the customer's decision needs to know of the campaign, read from the campaign's own stream. */
  private async campaign(campaignId: string | null | undefined): Promise<CampaignFacts | null> {
    if (!campaignId) return null;
    return campaignFacts(this.runtime.store, campaignId);
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
function idOf(c: object): string | undefined {
  for (const k of ['contactId', 'offerId', 'referralId', 'conversionId', 'complaintId'] as const) {
    const v = (c as Record<string, unknown>)[k];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

