import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RecordInteraction } from '@app/application';
import type { Actor } from '@app/domain';
import { CurrentActor, Roles } from '../http/auth';
import { Commands } from '../http/commands';
import { INTERACTION_RECORDERS, interaction, parseBody, toOpenApi } from '@app/interactions';
import { commandResult } from '../http/command-result';
import { CreatedAnswer, commandAnswer, type Answer } from '../openapi/answers';

const EXAMPLES = {
  contact: { value: { kind: 'contact', customerId: 'C-10001', staffId: 'rm-001', channel: 'phone', outcome: 'reached', campaignId: 'K-2026-001' } },
  offer: { value: { kind: 'offer', customerId: 'C-10001', staffId: 'rm-001', productCode: 'FUND-BOND', campaignId: 'K-2026-001' } },
  'offer-response': { value: { kind: 'offer-response', customerId: 'C-10001', offerId: 'O-1', accepted: true } },
  referral: { value: { kind: 'referral', customerId: 'C-10001', referrerStaffId: 'teller-07', sellerStaffId: 'rm-001', productCode: 'GOLD' } },
  conversion: { value: { kind: 'conversion', customerId: 'C-10001', staffId: 'rm-001', productCode: 'FUND-BOND', amount: '50000.00', revenue: '750.00', campaignId: 'K-2026-001' } },
  reversal: { value: { kind: 'reversal', customerId: 'C-10001', conversionId: 'V-1', reason: 'cooling-off cancellation' } },
  complaint: { value: { kind: 'complaint', customerId: 'C-10001', category: 'too_many_calls', contactId: 'X-1' } },
  participation: { value: { kind: 'participation', customerId: 'C-10001', campaignId: 'K-2026-001', how: 'attended' } },
};

/**
 * What relationship managers and channels record about a customer: contacts, offers, answers,
 * referrals, sales, reversals, complaints, taking part in a campaign. Each lands on the customer's stream, where contact
 * policy, control groups and suitability are decided.
 */
@ApiTags('interactions')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/interactions')
export class InteractionsController {
  constructor(private readonly commands: Commands) {}

  @Roles(...INTERACTION_RECORDERS)
  @Post()
  @ApiOperation({ summary: 'Record an interaction; `kind` selects contact, offer, offer-response, referral, conversion, reversal, complaint or participation (the customer took part in a campaign: they share its cost)' })
  @ApiBody({ schema: toOpenApi(interaction), examples: EXAMPLES })
  @CreatedAnswer(commandAnswer, { id: 'C-10001', streamId: 'customer-C-10001', revision: 7, position: '2210/130', events: ['CustomerContacted'] }, 'recorded: `id` is the record\'s own id (the contact, offer, sale…) where it has one, else the customer')
  async record(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(interaction, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const recorded = await this.commands.execute(new RecordInteraction(b, issue.by, issue.context));
    return commandResult(recorded.recordId ?? b.customerId, recorded.streamId, recorded);
  }
}
