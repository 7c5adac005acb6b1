import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { customerStream, vipCardDecider, type Actor, type VipCardCommand } from '@app/domain';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, issued, type DistributiveOmit, type Issue } from '../http/commands';
import { id, occurredAt, text, tier, toOpenApi, year } from '@app/interactions';
import { parseBody } from '@app/interactions';
import { ActOnVipCard, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { Answer } from '../openapi/answers';
import { commandAnswer, CreatedAnswer } from '../openapi/command-answer';

/** What a command on a customer's card answers (the customer's stream). */
const EXAMPLE = { id: 'C-10001', streamId: 'customer-C-10001', revision: 5, position: '1187/42', events: ['VipCardApplied'] };

const apply = z.strictObject({ applicationId: id, tier, ...occurredAt });
const decision = z.strictObject({ approve: z.boolean(), reason: z.string().max(1000).default(''), ...occurredAt });
const issue = z.strictObject({ cardId: id, ...occurredAt });
const review = z.strictObject({ year, ...occurredAt });
const cancel = z.strictObject({ reason: text(500), ...occurredAt });

/** VIP cards: apply, special approval by head office (≤ 5% per sub-branch), issue, annual review, cancel. */
@ApiTags('vip-cards')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/customers/:customerId/vip-card')
export class VipCardsController {
  constructor(
    private readonly commands: Commands,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post('applications')
  @ApiOperation({ summary: "Apply for a card: at the customer's tier it is approved at once; above it, it waits for head office" })
  @ApiBody({ schema: toOpenApi(apply), examples: { platinum: { value: { applicationId: 'A-1', tier: 'platinum' } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async apply(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(apply, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'ApplyForVipCard', customerId, applicationId: b.applicationId, tier: b.tier });
  }

  @Roles('approver', 'admin')
  @Post('applications/:applicationId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or refuse a special-approval card (head office only; at most 5% of the sub-branch\'s holders); a refusal gives its reason (400 REASON_REQUIRED when blank)' })
  @ApiBody({ schema: toOpenApi(decision), examples: { example: { value: {"approve": true, "reason": "long-standing customer"} } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['VipCardApplicationApproved'] })
  async decide(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Param('applicationId') applicationId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(decision, body);
    const i = await this.commands.issue(req, actor, b.occurredAt);
    // A blank reason is none (the decider refuses a refusal without one). The note is this attempt's own (a refused
    // attempt's clean-up never takes back another's note; events written before name `vip-application:<id>:refusal`,
    // read by the id they hold), and is kept only once the refusal would be accepted.
    const reason = b.reason.trim();
    const reasonNote = !b.approve && reason ? `vip-application:${applicationId}:refusal:${randomUUID()}` : null;
    const command = { type: 'DecideSpecialCard' as const, customerId, applicationId, approve: b.approve, reasonNote, quota: { holders: 0, special: 0 } };
    // A refusal never reaches the quota (the handler reads it for an approval): the stream alone decides it.
    if (reasonNote) await this.probe(i, command);
    return this.withNote(customerId, reasonNote, reason, () => this.send(i, command));
  }

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post('issue')
  @ApiOperation({ summary: 'Issue the card against the approved application (valid 2 years)' })
  @ApiBody({ schema: toOpenApi(issue), examples: { example: { value: {"cardId": "VIP-0001"} } } })
  @CreatedAnswer(commandAnswer, { ...EXAMPLE, events: ['VipCardIssued'] })
  async issue(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(issue, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'IssueVipCard', customerId, cardId: b.cardId });
  }

  @Roles('admin')
  @Post('review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Annual review: the card follows the tier; a holder below the threshold pays the 100 CNY fee' })
  @ApiBody({ schema: toOpenApi(review), examples: { example: { value: {"year": 2027} } } })
  @Answer(commandAnswer, EXAMPLE)
  async review(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(review, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'ReviewVipCard', customerId, year: b.year });
  }

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post('cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the card; no new card for one year' })
  @ApiBody({ schema: toOpenApi(cancel), examples: { example: { value: {"reason": "customer request"} } } })
  @Answer(commandAnswer, EXAMPLE)
  async cancel(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(cancel, body);
    const i = await this.commands.issue(req, actor, b.occurredAt);
    const reasonNote = b.reason ? `vip-card-cancel:${i.context.correlationId}` : null;
    return this.withNote(customerId, reasonNote, b.reason, () => this.send(i, { type: 'CancelVipCard', customerId, reasonNote }));
  }

  /** A reason may name people: it goes to the customer's vault (kept before the append, taken back on refusal); the event names the note. */
  private withNote<T>(customerId: string, noteId: string | null, text: string, run: () => Promise<T>): Promise<T> {
    return this.runtime.vault.notes.around(customerId, noteId ? [[noteId, text] as const] : [], run);
  }

  /** The VIP card decider on the customer's stream as it stands (Commands.probe): a refused caller keeps no vault note. */
  private probe(i: Issue, command: DistributiveOmit<VipCardCommand, 'org' | 'by' | 'at'>): Promise<void> {
    return this.commands.probe(vipCardDecider, customerStream(command.customerId), { ...command, org: i.org, ...issued(i) } as VipCardCommand);
  }

  private send(i: Issue, command: DistributiveOmit<VipCardCommand, 'org' | 'by' | 'at'>) {
    const full = { ...command, org: i.org, ...issued(i) } as VipCardCommand;
    return this.commands.send(new ActOnVipCard(full, i.context), command.customerId, customerStream(command.customerId));
  }
}
