import { Body, Controller, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { pointsStream, type Actor, type PointsCommand } from '@app/domain';
import { ActOnPoints, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, issued, type DistributiveOmit, type Issue } from '../http/commands';
import { id, money, month, occurredAt, parseBody, text, toOpenApi } from '@app/interactions';
import { Answer } from '../openapi/answers';
import { commandAnswer, CreatedAnswer } from '../openapi/command-answer';

/** What a points command answers (the customer's points stream). */
const EXAMPLE = { id: 'C-10001', streamId: 'points-C-10001', revision: 12, position: '1187/42', events: ['TransactionPointsEarned'] };

const benefit = z.strictObject({ month, assetChange: z.union([z.string(), z.number()]).transform(String), profitParameter: z.string().regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'a decimal from 0 to 1'), ...occurredAt });
const transaction = z.strictObject({ transactionId: id, spend: money, ...occurredAt });
const reversal = z.strictObject({ reason: text(500), ...occurredAt });
const redemption = z.strictObject({ redemptionId: id, points: z.number().int().min(1).max(100_000_000), description: z.string().max(500).default(''), ...occurredAt });
const expiry = z.strictObject({ ...occurredAt });

/** Benefit and transaction points: accrual, POS points and their next-day reversal, redemption, 2-year expiry. */
@ApiTags('points')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/points/:customerId')
export class PointsController {
  constructor(
    private readonly commands: Commands,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Roles('admin')
  @Post('benefit')
  @ApiOperation({ summary: "Accrue a month's benefit points: growth of financial assets × profit parameter" })
  @ApiBody({ schema: toOpenApi(benefit), examples: { march: { value: { month: '2026-03', assetChange: '150000.00', profitParameter: '0.002' } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async benefit(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(benefit, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'AccrueBenefitPoints', customerId, month: b.month, assetChange: b.assetChange, profitParameter: b.profitParameter });
  }

  @Roles('admin')
  @Post('transactions')
  @ApiOperation({ summary: 'Transaction points: 1 per CNY of debit-card POS spend' })
  @ApiBody({ schema: toOpenApi(transaction), examples: { example: { value: {"transactionId": "POS-778812", "spend": "258.90"} } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async earn(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(transaction, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'EarnTransactionPoints', customerId, transactionId: b.transactionId, spend: b.spend });
  }

  @Roles('admin')
  @Post('transactions/:transactionId/reversal')
  @ApiOperation({ summary: "Take back a cancelled or disputed transaction's points (effective the next day)" })
  @ApiBody({ schema: toOpenApi(reversal), examples: { example: { value: {"reason": "transaction disputed"} } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async reverse(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Param('transactionId') transactionId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(reversal, body);
    const reasonNote = `points-reversal:${transactionId}:reason`;
    return this.withNote(customerId, reasonNote, b.reason, async () =>
      this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'ReverseTransactionPoints', customerId, transactionId, reasonNote }),
    );
  }

  @Roles('admin')
  @Post('redemptions')
  @ApiOperation({ summary: 'Redeem points (oldest first; never more than the balance)' })
  @ApiBody({ schema: toOpenApi(redemption), examples: { example: { value: {"redemptionId": "RD-1", "points": 500, "description": "airport lounge"} } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async redeem(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(redemption, body);
    const descriptionNote = b.description ? `redemption:${b.redemptionId}:description` : null;
    return this.withNote(customerId, descriptionNote, b.description, async () =>
      this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'RedeemPoints', customerId, redemptionId: b.redemptionId, points: b.points, descriptionNote }),
    );
  }

  @Roles('admin')
  @Post('expiry')
  @ApiOperation({ summary: 'Expire the lots older than 2 years' })
  @ApiBody({ schema: toOpenApi(expiry), examples: { example: { value: {} } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async expire(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(expiry, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'ExpirePoints', customerId });
  }

  /** Free text may name people: it goes to the customer's vault (kept before the append, taken back on refusal); the event names the note. */
  private withNote<T>(customerId: string, noteId: string | null, text: string, run: () => Promise<T>): Promise<T> {
    return this.runtime.vault.notes.around(customerId, noteId && text ? [[noteId, text] as const] : [], run);
  }

  private async send(i: Issue, command: DistributiveOmit<PointsCommand, 'by' | 'at'>) {
    const full = { ...command, ...issued(i) } as PointsCommand;
    return this.commands.send(new ActOnPoints(full, i.context), command.customerId, pointsStream(command.customerId));
  }
}
