import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { campaignStream, type Actor, type CampaignCommand } from '@app/domain';
import { toHttpError } from '../http/error.filter';
import { ActOnCampaign, DeductParticipantPoints, LaunchCampaign } from '@app/application';
import { formatPosition } from '@app/event-store';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, issued, type DistributiveOmit, type Issue } from '../http/commands';
import { channel, dayOrTime, id, money, nonNegativeMoney, occurredAt, text, tier, toOpenApi } from '@app/interactions';
import { parseBody } from '@app/interactions';
import { Answer, CreatedAnswer, COMMAND_ANSWER_EXAMPLE, commandAnswer, completeAnswer, costAnswer, launchAnswer, pointsDeductionAnswer } from '../openapi/answers';

const age = z.number().int().min(0).max(130).nullable().default(null);
/** The audience rule (DOMAIN.md, Campaigns): every criterion given must hold; empty lists mean any. */
export const audience = z.strictObject({
  tiers: z.array(tier).max(4).default([]),
  segments: z.array(text(50)).max(20).default([]),
  unitIds: z.array(id).max(100).default([]),
  genders: z.array(z.enum(['F', 'M', 'U'])).max(3).default([]),
  holdsAnyOf: z.array(id).max(50).default([]),
  holdsNoneOf: z.array(id).max(50).default([]),
  ageBand: z.strictObject({ min: age, max: age }).optional(),
  dormantMonths: z.number().int().min(1).max(120).nullable().optional(),
  consent: z.enum(['any', 'all']).optional(),
  suitableOnly: z.boolean().optional(),
  excludeContactCapReached: z.boolean().optional(),
  excludeOverlappingCampaigns: z.boolean().optional(),
});
export const draft = z.strictObject({
  campaignId: id,
  name: text(200),
  objective: z.string().max(2000).default(''),
  ownerUnitId: id,
  productCodes: z.array(id).min(1).max(50),
  channels: z.array(channel).min(1).max(5),
  audience: audience.default({ tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] }),
  budget: money,
  /** Bank days (the end day included) or times with their offset. */
  period: z.strictObject({ start: dayOrTime, end: dayOrTime }),
  controlGroupPercent: z.number().int().min(0).max(50).optional(),
  /** Reach customers held in other running campaigns' control groups too (default: keep them out). */
  includeOtherControlGroups: z.boolean().optional(),
  targets: z.strictObject({ conversions: z.number().int().min(0).nullable().default(null), revenue: nonNegativeMoney.nullable().default(null) }).default({ conversions: null, revenue: null }),
  ...occurredAt,
});
/** The plan document is uploaded first (POST …/plan-documents); the submission names it by its id. */
const submit = z.strictObject({ planDocumentId: id, ...occurredAt });
const decision = z.strictObject({ ...occurredAt });
const reject = z.strictObject({ reason: text(1000), ...occurredAt });
const launch = z.strictObject({ randomisationSeed: z.string().min(1).max(100).optional(), ...occurredAt });
const cost = z.strictObject({ costId: id.optional(), amount: money, customerId: id.nullable().default(null), description: z.string().max(500).default(''), ...occurredAt });
const feedback = z.strictObject({ feedbackId: id.optional(), customerId: id.nullable().default(null), rating: z.number().int().min(1).max(5).nullable().default(null), comment: z.string().max(2000).default(''), ...occurredAt });
const cancel = z.strictObject({ reason: text(1000), ...occurredAt });

const DRAFT_EXAMPLE = {
  campaignId: 'K-2026-001',
  name: '春季存款竞赛 Spring deposit drive',
  objective: 'grow time deposits among standard-tier customers',
  ownerUnitId: 'BR-SH',
  productCodes: ['DEP-1Y'],
  channels: ['phone', 'sms'],
  audience: { tiers: ['standard', 'platinum'] },
  budget: '200000.00',
  period: { start: '2026-03-01', end: '2026-05-31' },
  controlGroupPercent: 10,
  targets: { conversions: 800, revenue: '1200000.00' },
};

/** The campaign lifecycle: draft → submitted → approved / rejected → launched → completed (or cancelled). */
@ApiTags('campaigns')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly commands: Commands) {}

  @Roles('marketer', 'admin')
  @Post()
  @ApiOperation({ summary: 'Draft a campaign: audience, products, channels, budget, period, control group (default 10%)' })
  @ApiBody({ schema: toOpenApi(draft), examples: { depositDrive: { value: DRAFT_EXAMPLE } } })
  @CreatedAnswer(commandAnswer, COMMAND_ANSWER_EXAMPLE, 'drafted')
  async draft(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const { campaignId, occurredAt: at, ...plan } = parseBody(draft, body);
    const issue = await this.commands.issue(req, actor, at);
    return this.send(issue, { type: 'DraftCampaign', campaignId, plan });
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit for approval, with the plan document attached: the documentId an upload (POST …/plan-documents) answered; the event records its SHA-256' })
  @ApiBody({ schema: toOpenApi(submit), examples: { plan: { value: { planDocumentId: '0b6c1c8e-6a53-4a63-9d3f-1b0c2f7de2a1' } } } })
  @Answer(commandAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 1, position: '1190/45', events: ['CampaignSubmitted'] })
  async submit(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(submit, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'SubmitCampaign', campaignId, planDocumentId: b.planDocumentId, planDocument: null });
  }

  @Roles('approver', 'admin')
  @Post(':campaignId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (an approver of a unit above the owner)' })
  @ApiBody({ schema: toOpenApi(decision), examples: { example: { value: {} } } })
  @Answer(commandAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 2, position: '1203/51', events: ['CampaignApproved'] })
  async approve(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(decision, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'ApproveCampaign', campaignId });
  }

  @Roles('approver', 'admin')
  @Post(':campaignId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason (an approver of a unit above the owner)' })
  @ApiBody({ schema: toOpenApi(reject), examples: { example: { value: {"reason": "budget too high for the expected lift"} } } })
  @Answer(commandAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 2, position: '1203/51', events: ['CampaignRejected'] })
  async reject(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(reject, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'RejectCampaign', campaignId, reason: b.reason });
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/launch')
  @HttpCode(200)
  @ApiOperation({ summary: "Launch: evaluate the audience, hold out the control group by a seeded random split, commit the budget" })
  @ApiBody({ schema: toOpenApi(launch), examples: { example: { value: {"randomisationSeed": "K-2026-001"} } } })
  @Answer(launchAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 4, position: '1260/77', events: ['CampaignLaunched'], audienceSize: 1200, controlCount: 120, excluded: { OPTED_OUT: 31, NOT_SUITABLE: 12 } })
  async launch(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof launchAnswer>> {
    const b = parseBody(launch, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const r = await this.commands.execute(new LaunchCampaign(campaignId, b.randomisationSeed, issue.org, issue.by, issue.at, issue.context, issued(issue)));
    return {
      id: campaignId,
      streamId: campaignStream(campaignId),
      revision: r.revision,
      position: r.position ? formatPosition(r.position) : null,
      events: r.events.map((e) => e.type),
      audienceSize: r.audienceSize,
      controlCount: r.controlCount,
      excluded: r.excluded,
    };
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/costs')
  @ApiOperation({ summary: 'Record a cost line: for one participant, or unassigned (split over participants at completion)' })
  @ApiBody({ schema: toOpenApi(cost), examples: { gift: { value: { amount: '88.00', customerId: 'C-10001', description: 'gift' } }, venue: { value: { amount: '5000.00', description: 'lecture venue' } } } })
  @CreatedAnswer(costAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 5, position: '1302/80', events: ['CampaignCostRecorded'], costId: 'c0a8012e-3b1f-4f5e-9a77-0c1d2e3f4a5b' })
  async cost(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof costAnswer>> {
    const b = parseBody(cost, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const costId = b.costId ?? randomUUID();
    const result = await this.send(issue, { type: 'RecordCampaignCost', campaignId, costId, amount: b.amount, customerId: b.customerId, customerGroup: null, description: b.description });
    return { ...result, costId };
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/feedback')
  @ApiOperation({ summary: 'Record execution feedback (from a customer, or about the campaign)' })
  @ApiBody({ schema: toOpenApi(feedback), examples: { example: { value: {"customerId": "C-10001", "rating": 4, "comment": "liked the lecture"} } } })
  @CreatedAnswer(commandAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 6, position: '1310/82', events: ['CampaignFeedbackRecorded'] })
  async feedback(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(feedback, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'RecordCampaignFeedback', campaignId, feedbackId: b.feedbackId ?? randomUUID(), customerId: b.customerId, rating: b.rating, comment: b.comment });
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: "Complete: split unassigned costs over participants, return the unspent budget to the owner's unit, deduct participants' points by their cost share",
  })
  @ApiBody({ schema: toOpenApi(decision), examples: { example: { value: {} } } })
  @Answer(completeAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 7, position: '1400/90', events: ['CampaignCompleted'], pointsDeduction: { campaignId: 'K-2026-001', participants: 40, deducted: 40, points: 1520.5 } })
  async complete(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof completeAnswer>> {
    const b = parseBody(decision, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    // The participants are counted by the handler, from what their own streams recorded.
    const result = await this.send(issue, { type: 'CompleteCampaign', campaignId, participantCount: 0 });
    // The completion stands on its own; if deducting points fails, POST …/points-deduction finishes it.
    try {
      return { ...result, pointsDeduction: await this.commands.execute(new DeductParticipantPoints(campaignId, issue.by, issue.org, issue.at, issue.context)) };
    } catch (err) {
      return { ...result, pointsDeduction: { error: toHttpError(err).body.error, retry: `POST /api/campaigns/${campaignId}/points-deduction` } };
    }
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/points-deduction')
  @HttpCode(200)
  @ApiOperation({ summary: "Deduct completed campaign participants' benefit points by their cost share (safe to repeat: each customer once)" })
  @ApiBody({ schema: toOpenApi(decision), examples: { example: { value: {} } } })
  @Answer(pointsDeductionAnswer, { campaignId: 'K-2026-001', participants: 40, deducted: 0, points: 0 })
  async deductPoints(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof pointsDeductionAnswer>> {
    const b = parseBody(decision, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.commands.execute(new DeductParticipantPoints(campaignId, issue.by, issue.org, issue.at, issue.context));
  }

  @Roles('marketer', 'admin')
  @Post(':campaignId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel with a reason; a launched campaign returns its unspent budget' })
  @ApiBody({ schema: toOpenApi(cancel), examples: { example: { value: {"reason": "regulator paused the product"} } } })
  @Answer(commandAnswer, { ...COMMAND_ANSWER_EXAMPLE, revision: 3, position: '1220/60', events: ['CampaignCancelled'] })
  async cancel(@Req() req: Request, @CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(cancel, body);
    return this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'CancelCampaign', campaignId, reason: b.reason });
  }

  private send(issue: Issue, command: DistributiveOmit<CampaignCommand, 'org' | 'by' | 'at'>) {
    const full = { ...command, org: issue.org, ...issued(issue) } as CampaignCommand;
    return this.commands.send(new ActOnCampaign(full, issue.context), command.campaignId, campaignStream(command.campaignId));
  }
}
