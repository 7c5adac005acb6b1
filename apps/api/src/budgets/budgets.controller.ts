import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { budgetStream, type Actor, type BudgetCommand } from '@app/domain';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, issued, type DistributiveOmit, type Issue } from '../http/commands';
import { id, money, occurredAt, text, toOpenApi, year } from '@app/interactions';
import { parseBody } from '@app/interactions';
import { ActOnBudget } from '@app/application';
import { Answer, CreatedAnswer, commandAnswer } from '../openapi/answers';

const annual = z.strictObject({ year, amount: money, ...occurredAt });
const allocation = z.strictObject({ childUnitId: id, year, amount: money, ...occurredAt });
const changeRequest = z.strictObject({ requestId: id, year, amount: money, reason: text(1000), ...occurredAt });
const changeDecision = z.strictObject({ approve: z.boolean(), reason: z.string().max(1000).default(''), ...occurredAt });

/** Yearly budgets: head office fixes its total, each unit splits down the tree, changes need the superior's approval. */
@ApiTags('budgets')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/budgets')
export class BudgetsController {
  constructor(private readonly commands: Commands) {}

  @Roles('approver', 'admin')
  @Post(':unitId/annual')
  @HttpCode(200)
  @ApiOperation({ summary: "Fix head office's yearly total" })
  @ApiBody({ schema: toOpenApi(annual), examples: { y2026: { value: { year: 2026, amount: '50000000.00' } } } })
  @Answer(commandAnswer, { id: 'HO', streamId: 'org-HO', revision: 0, position: '12/3', events: ['AnnualBudgetSet'] })
  async annual(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(annual, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'SetAnnualBudget', unitId, year: b.year, amount: b.amount });
  }

  @Roles('approver', 'branch_head', 'admin')
  @Post(':unitId/allocations')
  @HttpCode(200)
  @ApiOperation({ summary: 'Split part of this unit\'s budget to a unit directly below (the sum never exceeds this unit\'s budget)' })
  @ApiBody({ schema: toOpenApi(allocation), examples: { branch: { value: { childUnitId: 'BR-SH', year: 2026, amount: '8000000.00' } } } })
  @Answer(commandAnswer, { id: 'HO', streamId: 'org-HO', revision: 1, position: '15/4', events: ['BudgetSplit'] })
  async allocate(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(allocation, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'AllocateToChild', unitId, childUnitId: b.childUnitId, year: b.year, amount: b.amount });
  }

  @Roles('marketer', 'branch_head', 'admin')
  @Post(':unitId/change-requests')
  @ApiOperation({ summary: 'Ask the superior unit for a different budget' })
  @ApiBody({ schema: toOpenApi(changeRequest), examples: { example: { value: {"requestId": "BR-2026-07", "year": 2026, "amount": "9000000.00", "reason": "spring deposit drive"} } } })
  @CreatedAnswer(commandAnswer, { id: 'BR-SH', streamId: 'org-BR-SH', revision: 3, position: '420/18', events: ['BudgetChangeRequested'] })
  async request(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(changeRequest, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'RequestBudgetChange', unitId, requestId: b.requestId, year: b.year, amount: b.amount, reason: b.reason });
  }

  @Roles('approver', 'branch_head', 'admin')
  @Post(':unitId/change-requests/:requestId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or reject a budget change request (a unit above the requester)' })
  @ApiBody({ schema: toOpenApi(changeDecision), examples: { example: { value: {"approve": true} } } })
  @Answer(commandAnswer, { id: 'BR-SH', streamId: 'org-BR-SH', revision: 4, position: '431/20', events: ['BudgetChangeApproved'] })
  async decide(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Param('requestId') requestId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(changeDecision, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'DecideBudgetChange', unitId, requestId, approve: b.approve, reason: b.reason });
  }

  private send(issue: Issue, command: DistributiveOmit<BudgetCommand, 'org' | 'by' | 'at'>) {
    const full = { ...command, org: issue.org, ...issued(issue) } as BudgetCommand;
    return this.commands.send(new ActOnBudget(full, issue.context), command.unitId, budgetStream(command.unitId));
  }
}
