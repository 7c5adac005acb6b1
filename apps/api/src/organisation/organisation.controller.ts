import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { ORGANISATION_STREAM, ORG_LEVELS, illegalState, inSequence, organisationDecider, organisationInScope, type Actor, type OrganisationCommand } from '@app/domain';

const BOOTSTRAP = inSequence(organisationDecider);
import { type CommandContext, DecideOnStream, OrganisationDirectory } from '@app/application';
import { CurrentActor, Public, Roles, ANY_ROLE } from '../http/auth';
import { Commands } from '../http/commands';
import { emptyBody, id, money, month, parseBody, riskLevel, role, text, toOpenApi } from '@app/interactions';
import { Answer, organisationAnswer } from '../openapi/answers';
import { commandAnswer, CreatedAnswer } from '../openapi/command-answer';

/** What a command on the organisation answers (one stream for the whole organisation). */
const EXAMPLE = { id: 'rm-001', streamId: 'organisation', revision: 57, position: '1187/42', events: ['StaffMemberRegistered'] };

const bootstrap = z.strictObject({
  headOffice: z.strictObject({ unitId: id, name: text(200) }),
  admin: z.strictObject({ staffId: id, displayName: text(200) }),
});
const openUnit = z.strictObject({ unitId: id, name: text(200), level: z.enum(ORG_LEVELS), parentId: id, wealthCentre: z.boolean().optional() });
const registerStaff = z.strictObject({ staffId: id, displayName: text(200), role, unitId: id });
const moveStaff = z.strictObject({ toUnitId: id });
const changeRole = z.strictObject({ role });
const defineProduct = z.strictObject({ productCode: id, name: text(200), category: text(50), riskLevel, riskBearing: z.boolean(), weight: money });
const updateProduct = z.strictObject({ riskLevel: riskLevel.optional(), riskBearing: z.boolean().optional(), weight: money.optional() });
const thresholds = z.strictObject({ standard: money, platinum: money, black: money });
const target = z.strictObject({ subjectId: id, period: month, points: money });
const scoringRules = z
  .strictObject({
    referralShare: z.number().min(0).max(1).optional(),
    complaintPenalty: z.number().int().min(0).max(1_000_000).optional(),
    unsuitablePenalty: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'name at least one rule');
const closeMonth = z.strictObject({ month });
const contactPolicy = z.strictObject({
  maxCampaignContactsPer30Days: z.number().int().min(1).max(100),
  maxContactsPerCampaignPer7Days: z.number().int().min(1).max(100),
});

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('api')
export class OrganisationController {
  constructor(
    private readonly commands: Commands,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Public()
  @Post('org/bootstrap')
  @ApiOperation({ summary: 'First-run set-up: the head office and the first admin (only while the organisation is empty)' })
  @ApiBody({ schema: toOpenApi(bootstrap), examples: { bank: { value: { headOffice: { unitId: 'HO', name: '总行' }, admin: { staffId: 'admin', displayName: 'Admin' } } } } })
  @CreatedAnswer(commandAnswer, { id: 'admin', streamId: 'organisation', revision: 1, position: '12/2', events: ['OrgUnitOpened', 'StaffMemberRegistered'] })
  async bootstrap(@Req() req: Request, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(bootstrap, body);
    if ((await this.directory.current()).units.size > 0) throw illegalState('ALREADY_BOOTSTRAPPED', 'the organisation already exists');
    const actor: Actor = { userId: b.admin.staffId, unitId: b.headOffice.unitId, role: 'admin' };
    const issue = await this.commands.issue(req, actor);
    // The head office and its admin are one append: a bank is never left without its first admin.
    const commands: OrganisationCommand[] = [
      { ...issue, type: 'OpenOrgUnit', unitId: b.headOffice.unitId, name: b.headOffice.name, level: 'head_office', parentId: null },
      { ...issue, type: 'RegisterStaffMember', staffId: b.admin.staffId, displayName: b.admin.displayName, role: 'admin', unitId: b.headOffice.unitId },
    ];
    return this.commands.send(new DecideOnStream(ORGANISATION_STREAM, BOOTSTRAP, commands, issue.context), b.admin.staffId, ORGANISATION_STREAM);
  }

  @Roles(...ANY_ROLE)
  @Get('org')
  @ApiOperation({ summary: 'The org tree and staff in your scope (the whole bank for admins and analysts), and the products, as configured now' })
  @Answer(organisationAnswer)
  async get(@CurrentActor() actor: Actor): Promise<Answer<typeof organisationAnswer>> {
    const org = await this.directory.current();
    const { units, staff } = organisationInScope(actor, org);
    // Field by field: the state holds what events carried (and may carry more), the answer what the document says.
    return {
      units: units.map((u) => ({ unitId: u.unitId, name: u.name, level: u.level, parentId: u.parentId, wealthCentre: u.wealthCentre ?? false })),
      staff,
      products: [...org.products.values()].map((p) => ({ productCode: p.productCode, name: p.name, category: p.category, riskLevel: p.riskLevel, riskBearing: p.riskBearing, weight: p.weight })),
      scoring: { referralShare: org.scoring.referralShare, complaintPenalty: org.scoring.complaintPenalty, unsuitablePenalty: org.scoring.unsuitablePenalty },
    };
  }

  @Roles('admin')
  @Post('org/units')
  @ApiOperation({ summary: 'Open an org unit under a parent (admin)' })
  @ApiBody({ schema: toOpenApi(openUnit), examples: { subBranch: { value: { unitId: 'SB-PD', name: '浦东支行', level: 'sub_branch_1', parentId: 'BR-SH' } } } })
  @CreatedAnswer(commandAnswer, { ...EXAMPLE, id: 'SB-PD', events: ['OrgUnitOpened'] })
  async openUnit(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(openUnit, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'OpenOrgUnit', ...b }, issue, b.unitId);
  }

  @Roles('admin')
  @Post('org/staff')
  @ApiOperation({ summary: 'Register a staff member with a role in a unit (admin)' })
  @ApiBody({ schema: toOpenApi(registerStaff), examples: { rm: { value: { staffId: 'rm-001', displayName: 'RM Wang', role: 'relationship_manager', unitId: 'SB-PD' } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async registerStaff(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(registerStaff, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'RegisterStaffMember', ...b }, issue, b.staffId);
  }

  @Roles('admin')
  @Post('org/staff/:staffId/move')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a staff member to another unit (admin)' })
  @ApiBody({ schema: toOpenApi(moveStaff), examples: { example: { value: {"toUnitId": "SB-LJZ"} } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['StaffMemberMoved'] })
  async moveStaff(@Req() req: Request, @CurrentActor() actor: Actor, @Param('staffId') staffId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(moveStaff, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'MoveStaffMember', staffId, ...b }, issue, staffId);
  }

  @Roles('admin')
  @Post('org/staff/:staffId/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate a staff member who left or is suspended (admin): none of their tokens is accepted any more' })
  @ApiBody({ schema: toOpenApi(emptyBody), required: false, examples: { none: { value: {} } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['StaffMemberDeactivated'] })
  async deactivate(@Req() req: Request, @CurrentActor() actor: Actor, @Param('staffId') staffId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    return this.staffAction(req, actor, staffId, body, 'DeactivateStaffMember');
  }

  @Roles('admin')
  @Post('org/staff/:staffId/revoke-tokens')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke a staff member's tokens issued until now (admin), e.g. after a lost laptop; they mint a new one" })
  @ApiBody({ schema: toOpenApi(emptyBody), required: false, examples: { none: { value: {} } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['StaffTokensRevoked'] })
  async revokeTokens(@Req() req: Request, @CurrentActor() actor: Actor, @Param('staffId') staffId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    return this.staffAction(req, actor, staffId, body, 'RevokeStaffTokens');
  }

  @Roles('admin')
  @Post('org/staff/:staffId/role')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a staff member's role (admin)" })
  @ApiBody({ schema: toOpenApi(changeRole), examples: { example: { value: {"role": "branch_head"} } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['StaffRoleChanged'] })
  async changeRole(@Req() req: Request, @CurrentActor() actor: Actor, @Param('staffId') staffId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(changeRole, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'ChangeStaffRole', staffId, ...b }, issue, staffId);
  }

  @Roles('admin')
  @Post('products')
  @ApiOperation({ summary: 'Define a product with its risk level (R1–R5) and scorecard weight (admin)' })
  @ApiBody({ schema: toOpenApi(defineProduct), examples: { fund: { value: { productCode: 'FUND-BOND', name: '债券基金', category: 'fund', riskLevel: 'R2', riskBearing: true, weight: '1.50' } } } })
  @CreatedAnswer(commandAnswer, { ...EXAMPLE, id: 'FUND-BOND', events: ['ProductDefined'] })
  async defineProduct(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(defineProduct, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'DefineProduct', ...b }, issue, b.productCode);
  }

  @Roles('admin')
  @Post('products/:productCode')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a product's risk level or weight (admin); history keeps the old values" })
  @ApiBody({ schema: toOpenApi(updateProduct), examples: { example: { value: {"riskLevel": "R3", "weight": "1.20"} } } })
  @Answer(commandAnswer, { ...EXAMPLE, id: 'FUND-BOND', events: ['ProductUpdated'] })
  async updateProduct(@Req() req: Request, @CurrentActor() actor: Actor, @Param('productCode') productCode: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(updateProduct, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'UpdateProduct', productCode, ...b }, issue, productCode);
  }

  @Roles('admin')
  @Post('org/units/:unitId/tier-thresholds')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the tier thresholds of head office or a branch (branches may raise, never lower)' })
  @ApiBody({ schema: toOpenApi(thresholds), examples: { raised: { value: { standard: '300000', platinum: '1500000', black: '6000000' } } } })
  @Answer(commandAnswer, { ...EXAMPLE, id: 'BR-SH', events: ['TierThresholdsSet'] })
  async setThresholds(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(thresholds, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'SetTierThresholds', unitId, thresholds: b }, issue, unitId);
  }

  @Roles('admin')
  @Post('org/units/:unitId/contact-policy')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a unit's contact policy (may tighten what it inherits, never loosen)" })
  @ApiBody({ schema: toOpenApi(contactPolicy), examples: { strict: { value: { maxCampaignContactsPer30Days: 2, maxContactsPerCampaignPer7Days: 1 } } } })
  @Answer(commandAnswer, { ...EXAMPLE, id: 'BR-SH', events: ['ContactPolicySet'] })
  async setPolicy(@Req() req: Request, @CurrentActor() actor: Actor, @Param('unitId') unitId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(contactPolicy, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'SetContactPolicy', unitId, policy: b }, issue, unitId);
  }

  @Roles('admin')
  @Post('org/scoring-rules')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Set the bank's scoring rules (admin): the referral split (referrer's share, default 0.5) and the points a complaint (default 200) and an unsuitable attempt (default 500) cost. Each sale, complaint and attempt scores under the rules in force when it happened",
  })
  @ApiBody({ schema: toOpenApi(scoringRules), examples: { split: { value: { referralShare: 0.4 } }, penalties: { value: { complaintPenalty: 300, unsuitablePenalty: 800 } } } })
  @Answer(commandAnswer, { ...EXAMPLE, id: 'scoring-rules', events: ['ScoringRulesSet'] })
  async setScoringRules(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(scoringRules, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'SetScoringRules', ...b }, issue, 'scoring-rules');
  }

  @Roles('branch_head', 'admin')
  @Post('org/targets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a monthly scorecard target (points) for a person or a unit (branch head or admin, in their subtree)' })
  @ApiBody({ schema: toOpenApi(target), examples: { rm: { value: { subjectId: 'rm-001', period: '2026-03', points: '5000' } } } })
  @Answer(commandAnswer, { ...EXAMPLE, events: ['TargetSet'] })
  async setTarget(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(target, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'SetTarget', ...b }, issue, b.subjectId);
  }

  @Roles('admin')
  @Post('org/closed-months')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Close a business month (head office's admin), once it is over in the bank's calendar. From then on no fact is dated in it (422 PERIOD_CLOSED), except an admin's correction sent with a Correction-Reason header (a code: late_booking, booking_error, system_fault, audit_finding, other; optionally a Correction-Reference such as a ticket number, never free text: it stays in the events' metadata), which the scorecard shows",
  })
  @ApiBody({ schema: toOpenApi(closeMonth), examples: { march: { value: { month: '2026-03' } } } })
  @Answer(commandAnswer, { ...EXAMPLE, id: '2026-03', events: ['BusinessMonthClosed'] })
  async closeMonth(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(closeMonth, body);
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type: 'CloseBusinessMonth', month: b.month }, issue, b.month);
  }

  /** An action on one staff member that takes no input. */
  private async staffAction(req: Request, actor: Actor, staffId: string, body: unknown, type: 'DeactivateStaffMember' | 'RevokeStaffTokens') {
    parseBody(emptyBody, body ?? {});
    const issue = await this.commands.issue(req, actor);
    return this.send({ ...issue, type, staffId }, issue, staffId);
  }

  private send(command: OrganisationCommand, issue: { context: CommandContext }, id: string) {
    return this.commands.send(new DecideOnStream(ORGANISATION_STREAM, organisationDecider, command, issue.context), id, ORGANISATION_STREAM);
  }
}
