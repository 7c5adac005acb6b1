import { Body, Controller, Get, HttpCode, Inject, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { bankDateTime, type Actor, type Organisation } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { id, parseBody, toOpenApi } from '@app/interactions';
import { markAllNotificationsRead, markNotificationsRead, notificationsFor, notificationsProjection, ReadModelNotReady, withReadModels, type NotificationItem } from '@app/read-models';
import { ANY_ROLE, CurrentActor, Roles } from '../http/auth';
import { readModelAnswer } from '../http/read-model';
import { masked } from '../customers/masking';
import { Answer, fromReadModel } from '../openapi/answers';

/** Either the given notifications, or `all: true`: every one the user has now, listed or not (past the first 100 too). */
const markRead = z
  .strictObject({ notificationIds: z.array(id).min(1).max(200).optional(), all: z.literal(true).optional() })
  .refine((b) => (b.notificationIds === undefined) !== (b.all === undefined), 'give either notificationIds or all: true');

const person = z.object({ staffId: z.string(), displayName: z.string().nullable() });
const unit = z.object({ unitId: z.string(), name: z.string().nullable() });
const notification = z.object({
  notificationId: z.string(),
  kind: z.enum(['customer_transferred', 'manager_reassigned']).describe('a transfer, or a head giving the customer to another manager of the same sub-branch (POST customers/:id/manager)'),
  role: z.enum(['previous_manager', 'new_manager']).describe('whether this user lost the customer or gained them'),
  customerId: z.string(),
  customerName: z.string().nullable().describe('masked (王**); null when the customer\'s personal data is absent or erased'),
  from: z.object({ unit, manager: person.nullable() }),
  to: z.object({ unit, manager: person }),
  crossBranch: z.boolean(),
  decidedBy: person,
  occurredAt: z.string().describe('ISO 8601 instant'),
  bankTime: z.string().describe('the bank\'s wall clock (BANK_TIME_ZONE): "2026-04-01 07:30:00"'),
  bankDay: z.string().describe('YYYY-MM-DD, the bank\'s day'),
  link: z.string().nullable().describe('the customer page, for the new manager; null for the previous one'),
  read: z.boolean(),
});
const notificationsAnswer = z.object({
  unread: z.number().int().describe('how many of this user\'s notifications are unread (all of them, not only those listed)'),
  items: z.array(notification),
  ...fromReadModel,
});
const markedAnswer = z.object({ marked: z.number().int().describe('how many were unread until now') });

/**
 * 004 篇九 第九条: "有分配权限的用户需核实客户申请要求并通知原维护行理财经理和新维护行的理财经理". Each
 * user reads their own notifications only: the signed-in user is the recipient, there is no
 * parameter naming anyone else.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles(...ANY_ROLE)
  @Get()
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the notifications include this position, as returned by a command' })
  @ApiOperation({
    summary:
      'The signed-in user\'s notifications, unread first, then newest first (at most 100), and how many are unread: a customer transferred away from them or to them (direct, or a cross-branch request head office approved), or reassigned by a head from one manager to another — who (name masked), from which unit and manager to which, when (bank time), who decided; for the new manager a link to the customer page',
  })
  @Answer(notificationsAnswer)
  async list(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string): Promise<Answer<typeof notificationsAnswer>> {
    const org = await this.directory.current();
    const answer = await readModelAnswer(this.runtime, notificationsProjection.name, minPosition, (db) => notificationsFor(db, actor.userId));
    const items = await Promise.all(answer.items.map((n) => this.shown(org, n)));
    return { ...answer, items };
  }

  @Roles(...ANY_ROLE)
  @Post('read')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Mark some of the signed-in user\'s notifications read (`notificationIds`; ids that are not theirs mark nothing), or all of them (`all: true`, listed or not); `marked`: how many were unread until now. Notifications recorded before notifications were deployed count as read already',
  })
  @ApiBody({ schema: toOpenApi(markRead), examples: { one: { value: { notificationIds: ['3f2c9a4e-5b1d-4c8e-9a7f-2d6b8e1c0a93'] } }, all: { value: { all: true } } } })
  @Answer(markedAnswer, { marked: 1 })
  async read(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof markedAnswer>> {
    const b = parseBody(markRead, body);
    try {
      const marked = await withReadModels(this.runtime.db.pool, [notificationsProjection.name], (db) => (b.all ? markAllNotificationsRead(db, actor.userId, new Date()) : markNotificationsRead(db, actor.userId, b.notificationIds ?? [], new Date())), { readOnly: false });
      return { marked };
    } catch (err) {
      if (err instanceof ReadModelNotReady) throw new ServiceUnavailableException({ code: err.code, message: err.message });
      throw err;
    }
  }

  /** Names as the org knows them now; the customer's name masked, as approvers see it in the inbox (nothing once erased). */
  private async shown(org: Organisation, n: NotificationItem): Promise<Answer<typeof notification>> {
    const personal = await this.runtime.vault.get(n.customerId);
    const staff = (staffId: string) => ({ staffId, displayName: org.staff.get(staffId)?.displayName ?? null });
    const unitOf = (unitId: string) => ({ unitId, name: org.units.get(unitId)?.name ?? null });
    return {
      notificationId: n.notificationId,
      kind: n.kind,
      role: n.role,
      customerId: n.customerId,
      customerName: personal.state === 'present' ? masked(personal.data).name : null,
      from: { unit: unitOf(n.fromUnitId), manager: n.fromStaffId ? staff(n.fromStaffId) : null },
      to: { unit: unitOf(n.toUnitId), manager: staff(n.toStaffId) },
      crossBranch: n.crossBranch,
      decidedBy: staff(n.decidedBy),
      occurredAt: n.occurredAt,
      bankTime: bankDateTime(n.occurredAt),
      bankDay: n.bankDay,
      link: n.role === 'new_manager' ? `/#/customers/${encodeURIComponent(n.customerId)}` : null,
      read: n.read,
    };
  }
}
