import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { customerAccess, customerDecider, customerStream, notFound, organisationInScope, personalDataInClear, transferCandidates, type Actor } from '@app/domain';
import { loadState, OrganisationDirectory, RUNTIME } from '@app/application';
import { CurrentActor, Roles } from '../http/auth';
import { masked } from './masking';
import type { Runtime } from '@app/platform';
import { customer360, customer360Projection, pointsLedger, pointsLedgerProjection } from '@app/read-models';
import { Answer, customer360Answer, pointsLedgerAnswer, transferTargetsAnswer } from '../openapi/answers';
import { readModelAnswer } from '../http/read-model';

/** One customer seen whole, and their points ledger. */
@ApiTags('customers')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the answer includes this position, as returned by a command' })
@Controller('api/customers')
export class CustomerReportsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  /**
   * Full or masked access to this customer, or 404 (no such customer, or not one of yours). Who
   * manages the customer, and where, is read from their own stream, not from a read model that may
   * lag: a transfer takes effect for reads at once, as for commands.
   */
  private async access(actor: Actor, db: Parameters<typeof customer360>[0], customerId: string) {
    const { state } = await loadState(this.runtime.store, customerStream(customerId), customerDecider);
    const c = await customer360(db, customerId);
    if (state.status === 'none' || !c) throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
    const access = customerAccess(actor, await this.directory.current(), { homeUnitId: state.homeUnitId, managerId: state.managerId });
    // Outside the reader's scope answers as an unknown id does: a 403 would tell who is a customer.
    if (access === 'none') throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
    return { c, access, managerId: state.managerId };
  }

  @Roles('relationship_manager', 'branch_head', 'approver', 'analyst', 'admin')
  @Get(':customerId')
  @ApiOperation({
    summary: 'Customer 360: tier and its history, product holdings, manager, unit, consent, risk profile and expiry, last contacts, campaigns, VIP card, points balance',
    description:
      '`holdings`: what the customer holds now, per product — `source` (`sale` or `snapshot`), `sinceAt`, `sinceMonth` (bank month), `sinceDay` (bank day of the sale; null when a snapshot brought it), `sales` recorded since. ' +
      '`pastHoldings`: periods closed by a monthly snapshot that left the product out (`closedAt`, `closedMonth`). `tierHistory[].recordedAt`: when the change was recorded.',
  })
  @Answer(customer360Answer)
  async get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
    @Param('customerId') customerId: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<Answer<typeof customer360Answer>> {
    return readModelAnswer(this.runtime, [customer360Projection.name, pointsLedgerProjection.name], minPosition, async (db) => {
      const { c, access, managerId } = await this.access(actor, db, customerId);
      const vault = await this.runtime.vault.get(customerId);
      const personal = vault.state === 'present' ? (personalDataInClear(actor, access, { managerId }) ? vault.data : masked(vault.data)) : null;
      if (personal) res.locals.personalDataRead = true;
      // Contact outcomes are free text kept in the vault: in clear for those who see personal data in clear, else masked.
      const clear = vault.state !== 'erased' && personalDataInClear(actor, access, { managerId });
      const notes = clear ? await this.runtime.vault.notes.get(customerId, c.lastContacts.flatMap((x) => (x.outcomeNote ? [x.outcomeNote] : []))) : new Map<string, string>();
      const lastContacts = c.lastContacts.map(({ outcomeNote, ...x }) => ({ ...x, outcome: outcomeNote === null || vault.state === 'erased' ? null : clear ? (notes.get(outcomeNote) ?? null) : '***' }));
      return { ...c, lastContacts, personal, personalDataErased: vault.state === 'erased' };
    });
  }

  @Roles('relationship_manager', 'branch_head', 'approver', 'analyst', 'admin')
  @Get(':customerId/points')
  @ApiOperation({ summary: 'The points ledger: every accrual, reversal, redemption, deduction and expiry, with the running balance' })
  @Answer(pointsLedgerAnswer)
  async points(@CurrentActor() actor: Actor, @Param('customerId') customerId: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof pointsLedgerAnswer>> {
    return readModelAnswer(this.runtime, [pointsLedgerProjection.name, customer360Projection.name], minPosition, async (db) => {
      await this.access(actor, db, customerId);
      return pointsLedger(db, customerId);
    });
  }

  @Roles('relationship_manager', 'branch_head', 'approver', 'admin')
  @Get(':customerId/transfer-targets')
  @ApiOperation({
    summary:
      'Whom this customer can be transferred to (the staff picker of the transfer forms): active relationship managers grouped by the sub-branch a transfer would take the customer to, own branch first, the current manager left out while they work in the customer\'s unit. Staff are named only where the caller sees them in GET /api/org (their own subtree; head office and admin see everyone): other units are listed with `staff` empty — a relationship manager or branch head asking head office for a manager elsewhere names them by staff id. `crossBranch`: in another branch (asked of head office, POST customers/:customerId/transfer-requests); `direct`: the caller\'s unit transfers there itself (POST customers/:customerId/transfer). For those who may see the customer (404 otherwise, as for any id outside the caller\'s scope).',
  })
  @Answer(transferTargetsAnswer)
  async transferTargets(@CurrentActor() actor: Actor, @Param('customerId') customerId: string): Promise<Answer<typeof transferTargetsAnswer>> {
    // Where the customer is and who manages them, from their own stream (as the transfer commands decide on it).
    const { state } = await loadState(this.runtime.store, customerStream(customerId), customerDecider);
    const org = await this.directory.current();
    if (state.status === 'none' || customerAccess(actor, org, { homeUnitId: state.homeUnitId, managerId: state.managerId }) === 'none') {
      throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
    }
    // Names and ids only of staff the caller sees in GET /api/org (their subtree; head office and admin: everyone).
    const visible = new Set(organisationInScope(actor, org).staff.map((s) => s.staffId));
    const units = transferCandidates(org, state.homeUnitId, state.managerId, actor.unitId, (staffId) => visible.has(staffId));
    return { customerId, homeUnitId: state.homeUnitId, managerId: state.managerId, units };
  }
}
