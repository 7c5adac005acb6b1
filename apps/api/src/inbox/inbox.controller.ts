import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { approvingUnits, claimDecidingUnit, headOffice, isSuperior, transferDecidingUnit, type Actor, type Organisation } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { approvalInboxProjection, pendingRequests, requestsBy, type InboxItem } from '@app/read-models';
import { ANY_ROLE, CurrentActor, Roles } from '../http/auth';
import { readModelAnswer } from '../http/read-model';
import { Answer, inboxAnswer, myRequestsAnswer } from '../openapi/answers';
import { masked } from '../customers/masking';

type Action = { method: 'POST'; href: string; body: Record<string, unknown> };

/**
 * Whether this actor decides this request: the same rules the deciders apply (a campaign by the
 * unit directly above its owner, or head office's own by head office; a special card by head
 * office; a budget change by a unit above; a claim by the nearest unit above with assignment rights;
 * a cross-branch transfer by head office, never by the one who asked).
 */
function decides(org: Organisation, actor: Actor, r: InboxItem): boolean {
  const unit = r.unitId ?? '';
  switch (r.kind) {
    case 'campaign':
      if (!['approver', 'admin'].includes(actor.role)) return false;
      return org.units.get(unit)?.parentId === null ? actor.unitId === unit : approvingUnits(org, unit).includes(actor.unitId);
    case 'special_vip_card':
      return ['approver', 'admin'].includes(actor.role) && headOffice(org)?.unitId === actor.unitId;
    case 'budget_change':
      return ['approver', 'admin', 'branch_head'].includes(actor.role) && isSuperior(org, actor.unitId, unit);
    case 'customer_claim':
      return ['approver', 'branch_head'].includes(actor.role) && claimDecidingUnit(org, unit) === actor.unitId;
    case 'transfer':
      return ['approver', 'branch_head'].includes(actor.role) && r.requestedBy !== actor.userId && transferDecidingUnit(org) === actor.unitId;
    default:
      return false;
  }
}

/** The existing commands that decide each kind of request (a rejection gives its reason). */
function actions(r: InboxItem): { approve: Action; reject: Action } {
  const f = r.facts as { customerId?: string; unitId?: string; claimantUnitId?: string };
  switch (r.kind) {
    case 'campaign':
      return { approve: { method: 'POST', href: `/api/campaigns/${r.requestId}/approve`, body: {} }, reject: { method: 'POST', href: `/api/campaigns/${r.requestId}/reject`, body: { reason: '<why>' } } };
    case 'special_vip_card': {
      const href = `/api/customers/${f.customerId}/vip-card/applications/${r.requestId}/decision`;
      return { approve: { method: 'POST', href, body: { approve: true } }, reject: { method: 'POST', href, body: { approve: false, reason: '<why>' } } };
    }
    case 'budget_change': {
      const href = `/api/budgets/${f.unitId}/change-requests/${r.requestId}/decision`;
      return { approve: { method: 'POST', href, body: { approve: true } }, reject: { method: 'POST', href, body: { approve: false, reason: '<why>' } } };
    }
    case 'customer_claim': {
      const href = `/api/customers/${f.customerId}/claims/${r.requestId}/decision`;
      return { approve: { method: 'POST', href, body: { approve: true } }, reject: { method: 'POST', href, body: { approve: false, reason: '<why>' } } };
    }
    case 'transfer': {
      const href = `/api/customers/${f.customerId}/transfer-requests/${r.requestId}/decision`;
      return { approve: { method: 'POST', href, body: { approve: true } }, reject: { method: 'POST', href, body: { approve: false, reason: '<why>' } } };
    }
  }
}

/** 004 篇九 第九、二十九、三十条: requests go up to the unit that decides them; the requester sees the outcome. */
@ApiTags('inbox')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the inbox includes this position, as returned by a command' })
@Controller('api/inbox')
export class InboxController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('approver', 'branch_head', 'admin')
  @Get()
  @ApiOperation({
    summary:
      'Everything waiting for a decision by this user\'s unit: campaigns, special VIP cards, budget changes, customer claims, cross-branch transfers, with the facts to decide (a transfer\'s reason read from the customer\'s vault) and the commands that decide',
  })
  @Answer(inboxAnswer)
  async inbox(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string): Promise<Answer<typeof inboxAnswer>> {
    const org = await this.directory.current();
    const answer = await readModelAnswer(this.runtime, approvalInboxProjection.name, minPosition, async (db) => ({
      items: (await pendingRequests(db)).filter((r) => decides(org, actor, r)).map((r) => ({ ...r, actions: actions(r) })),
    }));
    return { ...answer, items: await Promise.all(answer.items.map((r) => this.withTransferReasons(r))) };
  }

  @Roles(...ANY_ROLE)
  @Get('mine')
  @ApiOperation({ summary: 'The requests this user made, newest first, with their outcome (who decided, when, and why a rejection)' })
  @Answer(myRequestsAnswer)
  async mine(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string): Promise<Answer<typeof myRequestsAnswer>> {
    const answer = await readModelAnswer(this.runtime, approvalInboxProjection.name, minPosition, async (db) => ({ items: await requestsBy(db, actor.userId) }));
    return { ...answer, items: await Promise.all(answer.items.map((r) => this.withTransferReasons(r))) };
  }

  /**
   * A transfer's reasons are free text about a customer, kept in their vault (erased with them): the
   * request's reason goes into the facts, a rejection's into `reason`, for the decider and the requester.
   * Who the customer is shows as their name masked, as approvers see personal data (customers/masking.ts):
   * enough to tell one customer from another, not to identify them; nothing once they are erased.
   */
  private async withTransferReasons<T extends InboxItem>(r: T): Promise<T> {
    if (r.kind !== 'transfer') return r;
    const { customerId, reasonNote, requestId: _id, ...facts } = r.facts as { customerId: string; reasonNote: string; requestId?: string };
    // A rejected transfer's row keeps the id of the note holding the rejection's reason.
    const rejection = r.status === 'rejected' ? r.reason : null;
    const [notes, personal] = await Promise.all([this.runtime.vault.notes.get(customerId, rejection ? [reasonNote, rejection] : [reasonNote]), this.runtime.vault.get(customerId)]);
    const customerName = personal.state === 'present' ? masked(personal.data).name : null;
    return { ...r, facts: { customerId, customerName, ...facts, reason: notes.get(reasonNote) ?? null }, reason: rejection ? (notes.get(rejection) ?? null) : null };
  }
}
