import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { ERASURE_REASONS, REFERENCE_PATTERN, customerDecider, customerStream, type Actor, type CustomerCommand } from '@app/domain';
import { eraseCustomerData, type PersonalData, type Runtime } from '@app/platform';
import { DecideOnStream, RUNTIME } from '@app/application';
import { CurrentActor, Roles } from '../http/auth';
import { Commands, issued, type DistributiveOmit, type Issue } from '../http/commands';
import { channel, id, money, month, nonNegativeMoney, occurredAt, riskLevel, text, toOpenApi } from '@app/interactions';
import { parseBody } from '@app/interactions';
import { Answer, transferRequestAnswer } from '../openapi/answers';
import { commandAnswer, CreatedAnswer } from '../openapi/command-answer';

/** What a command on a customer answers (its stream, revision, position). */
const EXAMPLE = { id: 'C-10001', streamId: 'customer-C-10001', revision: 4, position: '1187/42', events: ['CustomerTransferred'] };

const personalFields = {
  name: z.string().trim().min(1).max(100),
  phone: z.string().regex(/^\+?[0-9 -]{5,20}$/, 'a phone number').optional(),
  email: z.email().max(200).optional(),
  idNumber: z.string().regex(/^[0-9A-Za-z]{6,30}$/, 'an id number').optional(),
  address: z.string().trim().min(1).max(300).optional(),
};
const personal = z.strictObject(personalFields);
const correction = z.strictObject({ ...z.strictObject(personalFields).partial().shape, ...occurredAt }).refine((b) => Object.keys(b).some((k) => k !== 'occurredAt'), 'name at least one field');
// The ground as a code and a non-personal reference: the erasure event outlives the erasure (erasure-reasons.ts).
const erasure = z.strictObject({ reason: z.enum(ERASURE_REASONS), requestRef: z.string().regex(REFERENCE_PATTERN).optional(), ...occurredAt });

const onboard = z.strictObject({
  customerId: id,
  segment: text(50),
  gender: z.enum(['F', 'M', 'U']),
  birthYear: z.number().int().min(1900).max(2100).nullable().optional(),
  /** Financial assets held per sub-branch: the customer goes to the one holding most. */
  assetsByUnit: z.record(id, nonNegativeMoney).refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 50, 'one to fifty units'),
  /** Kept encrypted in the vault, never in events. */
  personal: personal.optional(),
  ...occurredAt,
});
const balance = z.strictObject({ month, averageDailyAssets: money, holdings: z.array(id).max(200).default([]), ...occurredAt });
const assign = z.strictObject({ staffId: id, ...occurredAt });
/** A claim brings in a customer the system does not have: the same facts as onboarding (no personal data). */
const claim = z.strictObject({ claimId: id, ...onboard.omit({ personal: true }).shape });
const claimDecision = z.strictObject({ approve: z.boolean(), reason: z.string().max(500).optional(), ...occurredAt });
const transfer = z.strictObject({ toStaffId: id, ...occurredAt });
/** A cross-branch transfer asked of head office: to whom, and why (the reason goes to the customer's vault). The server names the request. */
const transferRequest = z.strictObject({ toStaffId: id, reason: text(500), ...occurredAt });
/** A rejection needs its reason (refused 400 REASON_REQUIRED without one). */
const transferDecision = z.strictObject({ approve: z.boolean(), reason: z.string().max(500).optional(), ...occurredAt });
const risk = z.strictObject({ tolerance: riskLevel, ...occurredAt });
const consent = z.strictObject({ channel, granted: z.boolean(), ...occurredAt });
const answer = z.strictObject({ ...occurredAt });

/** Customers: onboarding, balances and tiers, assignment, claims (customers not yet in the system), transfers, risk profile, consent. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', description: 'a repeat with the same key returns the first response and appends nothing', required: false })
@Controller('api/customers')
export class CustomersController {
  constructor(
    private readonly commands: Commands,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post()
  @ApiOperation({ summary: 'Onboard a customer; they go to the sub-branch holding most of their assets. No personal data here.' })
  @ApiBody({ schema: toOpenApi(onboard), examples: { customer: { value: { customerId: 'C-10001', segment: 'retail', gender: 'F', birthYear: 1982, assetsByUnit: { 'SB-PD': '350000.00' } } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async onboard(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(onboard, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const result = await this.send(issue, { type: 'OnboardCustomer', customerId: b.customerId, segment: b.segment, gender: b.gender, birthYear: b.birthYear ?? null, assetsByUnit: b.assetsByUnit });
    if (b.personal) await this.runtime.vault.put(b.customerId, b.personal);
    return result;
  }

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post(':customerId/personal-data')
  @HttpCode(200)
  @ApiOperation({ summary: 'Correct personal data: the values go to the encrypted vault; the event records only which fields changed' })
  @ApiBody({ schema: toOpenApi(correction), examples: { phone: { value: { phone: '+86 138 0000 1234' } } } })
  @Answer(commandAnswer, EXAMPLE)
  async correct(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const { occurredAt: at, ...fields } = parseBody(correction, body);
    const issue = await this.commands.issue(req, actor, at);
    const current = await this.runtime.vault.get(customerId);
    const merged = { ...(current.state === 'present' ? current.data : {}), ...fields };
    const result = await this.send(issue, { type: 'CorrectPersonalData', customerId, fields: Object.keys(fields), nameMissing: !merged.name });
    await this.runtime.vault.put(customerId, merged as PersonalData);
    return result;
  }

  @Roles('admin')
  @Post(':customerId/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase the customer's personal data (admin, with a reason code): the data key is destroyed; history and figures stay, anonymous",
    description: 'The reason is a code (customer_request, retention_period_over, legal_order, recorded_in_error, other), with an optional non-personal reference (a ticket or letter number): the erasure event stays in the log for audit, so it holds no free text.',
  })
  @ApiBody({ schema: toOpenApi(erasure), examples: { request: { value: { reason: 'customer_request', requestRef: 'DPO-2026-0042' } } } })
  @Answer(commandAnswer, EXAMPLE)
  async erase(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(erasure, body);
    const result = await this.send(await this.commands.issue(req, actor, b.occurredAt), { type: 'EraseCustomerData', customerId, reasonCode: b.reason, requestRef: b.requestRef ?? null });
    // Vault keys and notes destroyed, and legacy free text rewritten out of the log: one transaction.
    await eraseCustomerData(this.runtime, customerId);
    return result;
  }

  @Roles('admin')
  @Post(':customerId/balances')
  @ApiOperation({ summary: "Record a month's average daily assets (the core-banking feed, admin role); the tier is recomputed from the last three months" })
  @ApiBody({ schema: toOpenApi(balance), examples: { march: { value: { month: '2026-03', averageDailyAssets: '1620000.00', holdings: ['DEP-1Y', 'FUND-BOND'] } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async balance(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(balance, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'RecordBalanceSnapshot', customerId, month: b.month, averageDailyAssets: b.averageDailyAssets, holdings: b.holdings });
  }

  @Roles('branch_head', 'admin')
  @Post(':customerId/manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign the customer to a relationship manager of their sub-branch' })
  @ApiBody({ schema: toOpenApi(assign), examples: { example: { value: {"staffId": "rm-001"} } } })
  @Answer(commandAnswer, EXAMPLE)
  async assign(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(assign, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'AssignManager', customerId, staffId: b.staffId });
  }

  @Roles('relationship_manager')
  @Post('claims')
  @ApiOperation({
    summary:
      'A relationship manager claims a customer not yet in the system (客户申领, 004 篇九 第九条), with the onboarding facts; the nearest unit above with assignment rights decides, and approval onboards the customer to the claimant. A customer already in the system is assigned by their sub-branch (POST customers/:customerId/manager).',
  })
  @ApiBody({ schema: toOpenApi(claim), examples: { example: { value: { claimId: 'CL-2026-031', customerId: 'C-10231', segment: 'retail', gender: 'F', birthYear: 1979, assetsByUnit: { 'SB-PD': '180000.00' } } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async claim(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(claim, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'FileClaim', customerId: b.customerId, claimId: b.claimId, segment: b.segment, gender: b.gender, birthYear: b.birthYear ?? null, assetsByUnit: b.assetsByUnit });
  }

  @Roles('approver', 'branch_head')
  @Post(':customerId/claims/:claimId/decision')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve or reject a claim (an approver or head of the nearest unit above the claimant with assignment rights); approval onboards the customer, assigned to the claimant; a rejection gives its reason (400 REASON_REQUIRED when blank). Who could ever decide is asked before the claim is looked up: another role (403 ROLE_NOT_ALLOWED), or a unit with nothing below it (403 NOT_SUPERIOR_UNIT), learns nothing of whether the claim exists; anyone else who is not the deciding unit of this claim gets 404 UNKNOWN_CLAIM (details: the claimId only), the same answer as for a claim that does not exist.',
  })
  @ApiBody({ schema: toOpenApi(claimDecision), examples: { example: { value: {"approve": true} } } })
  @Answer(commandAnswer, EXAMPLE)
  async decideClaim(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Param('claimId') claimId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(claimDecision, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    // A rejection's reason may name people: it goes to the customer's vault, and the event names the note. The note is
    // this attempt's own (a refused attempt's clean-up never takes back another's note; events written before name
    // `claim:<id>:rejection`, read by the id they hold), and is kept only once the decision would be accepted.
    // A blank reason is none (the decider refuses a rejection without one).
    const reason = b.reason?.trim() ?? '';
    const reasonNote = !b.approve && reason ? `claim:${claimId}:rejection:${randomUUID()}` : null;
    const notes = reasonNote ? [[reasonNote, reason] as const] : [];
    const command = { type: 'DecideClaim' as const, customerId, claimId, approve: b.approve, reasonNote };
    await this.probe(issue, command);
    return this.runtime.vault.notes.around(customerId, notes, () => this.send(issue, command));
  }

  @Roles('branch_head', 'approver', 'admin')
  @Post(':customerId/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Transfer to another manager: inside a branch by the branch, across branches by head office' })
  @ApiBody({ schema: toOpenApi(transfer), examples: { example: { value: {"toStaffId": "rm-017"} } } })
  @Answer(commandAnswer, EXAMPLE)
  async transfer(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(transfer, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'TransferCustomer', customerId, toStaffId: b.toStaffId });
  }

  @Roles('relationship_manager', 'branch_head', 'approver')
  @Post(':customerId/transfer-requests')
  @ApiOperation({
    summary:
      'Ask to move the customer to a relationship manager of another branch (客户调配, 004 篇九 第九条): head office decides from its inbox. Inside a branch the branch transfers directly (POST customers/:customerId/transfer). The reason is kept in the customer\'s vault; the server names the request (`requestId` in the answer, `TR-` and a UUID). While it waits the customer is not transferred directly (409 TRANSFER_REQUEST_PENDING).',
  })
  @ApiBody({ schema: toOpenApi(transferRequest), examples: { example: { value: { toStaffId: 'rm-sz-004', reason: 'the customer moved to Shenzhen' } } } })
  @CreatedAnswer(transferRequestAnswer, { ...EXAMPLE, events: ['CustomerTransferRequested'], requestId: 'TR-3f0c1a52-8d4e-4b7a-9a51-0e2f6c1d9b37' })
  async requestTransfer(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof transferRequestAnswer>> {
    const b = parseBody(transferRequest, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    // The server names the request (a full UUID): ids chosen by clients could repeat across customers.
    const requestId = `TR-${randomUUID()}`;
    const reasonNote = `transfer-request:${requestId}:reason`;
    const command = { type: 'RequestTransfer' as const, customerId, requestId, toStaffId: b.toStaffId, reasonNote };
    // Nothing goes to a vault before the command would be accepted (an unknown customer or one out of scope gets no note).
    await this.probe(issue, command);
    const result = await this.runtime.vault.notes.around(customerId, [[reasonNote, b.reason]], () => this.send(issue, command));
    return { ...result, requestId };
  }

  @Roles('approver', 'branch_head')
  @Post(':customerId/transfer-requests/:requestId/decision')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve or reject a cross-branch transfer request (an approver or head of head office, never the requester; 403 NOT_SUPERIOR_UNIT is answered before whether the request exists); a rejection gives its reason. Approval transfers the customer as the direct transfer does; a request whose customer changed manager since is refused (409 STALE_TRANSFER_REQUEST): reject it and ask again.',
  })
  @ApiBody({ schema: toOpenApi(transferDecision), examples: { approve: { value: { approve: true } }, reject: { value: { approve: false, reason: 'keep the customer with their branch until the loan is settled' } } } })
  @Answer(commandAnswer, EXAMPLE)
  async decideTransfer(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Param('requestId') requestId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(transferDecision, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    const why = b.reason?.trim();
    // A rejection's reason may name people: it goes to the customer's vault, and the event names the note. The note is
    // this attempt's own (a refused attempt's clean-up never takes back another's note), and is kept only once the
    // decision would be accepted.
    const reasonNote = !b.approve && why ? `transfer-request:${requestId}:rejection:${randomUUID()}` : null;
    const notes = reasonNote ? [[reasonNote, why!] as const] : [];
    const command = { type: 'DecideTransferRequest' as const, customerId, requestId, approve: b.approve, reasonNote };
    await this.probe(issue, command);
    return this.runtime.vault.notes.around(customerId, notes, () => this.send(issue, command));
  }

  @Roles('branch_head', 'admin')
  @Post(':customerId/risk-assessment')
  @ApiOperation({ summary: 'Record a risk assessment (tolerance R1–R5, valid one year): by a branch head or admin, never the relationship manager who sells' })
  @ApiBody({ schema: toOpenApi(risk), examples: { balanced: { value: { tolerance: 'R3' } } } })
  @CreatedAnswer(commandAnswer, EXAMPLE)
  async assess(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(risk, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'AssessRisk', customerId, tolerance: b.tolerance });
  }

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post(':customerId/consents')
  @HttpCode(200)
  @ApiOperation({ summary: 'Opt the customer out of contact on a channel (granted: false), or back in (granted: true): every channel is open until they opt out' })
  @ApiBody({ schema: toOpenApi(consent), examples: { smsOptOut: { value: { channel: 'sms', granted: false } } } })
  @Answer(commandAnswer, EXAMPLE)
  async consent(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(consent, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'SetConsent', customerId, channel: b.channel, granted: b.granted });
  }

  @Roles('relationship_manager', 'branch_head', 'admin')
  @Post(':customerId/complaints/:complaintId/answer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer a complaint (late when past its deadline)' })
  @ApiBody({ schema: toOpenApi(answer), examples: { example: { value: {"occurredAt": "2026-03-12T10:00:00Z"} } } })
  @Answer(commandAnswer, EXAMPLE)
  async answer(@Req() req: Request, @CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Param('complaintId') complaintId: string, @Body() body: unknown): Promise<Answer<typeof commandAnswer>> {
    const b = parseBody(answer, body);
    const issue = await this.commands.issue(req, actor, b.occurredAt);
    return this.send(issue, { type: 'AnswerComplaint', customerId, complaintId });
  }

  /** The customer decider on the customer's stream as it stands (Commands.probe): a refused caller keeps no vault note. */
  private probe(issue: Issue, command: DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at'>): Promise<void> {
    return this.commands.probe(customerDecider, customerStream(command.customerId), { ...command, org: issue.org, ...issued(issue) } as CustomerCommand);
  }

  private send(issue: Issue, command: DistributiveOmit<CustomerCommand, 'org' | 'by' | 'at'>) {
    const full = { ...command, org: issue.org, ...issued(issue) } as CustomerCommand;
    const streamId = customerStream(command.customerId);
    return this.commands.send(new DecideOnStream(streamId, customerDecider, full, issue.context), command.customerId, streamId);
  }
}
