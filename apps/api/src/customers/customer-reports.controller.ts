import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { notFound, type Actor } from '@app/domain';
import { CurrentActor } from '../http/actor';
import { masked } from './masking';
import type { Runtime } from '@app/platform';
import { customer360, customer360Projection, pointsLedger, pointsLedgerProjection } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';

/** One customer seen whole, and their points ledger. */
@ApiTags('customers')
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the answer includes this position, as returned by a command' })
@Controller('api/customers')
export class CustomerReportsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get(':customerId')
  @ApiOperation({ summary: 'Customer 360: tier and its history, manager, unit, consent, risk profile and expiry, last contacts, campaigns, VIP card, points balance' })
  get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
    @Param('customerId') customerId: string,
    @Query('minPosition') minPosition?: string,
  ) {
    return readModelAnswer(this.runtime, [customer360Projection.name, pointsLedgerProjection.name], minPosition, async (db) => {
      const c = await customer360(db, customerId);
      if (!c) throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
      const vault = await this.runtime.vault.get(customerId);
      const personal = vault.state === 'present' ? (actor.role === 'analyst' ? masked(vault.data) : vault.data) : null;
      if (personal) res.locals.personalDataRead = true;
      return { ...c, personal, personalDataErased: vault.state === 'erased' };
    });
  }

  @Get(':customerId/points')
  @ApiOperation({ summary: 'The points ledger: every accrual, reversal, redemption, deduction and expiry, with the running balance' })
  points(@Param('customerId') customerId: string, @Query('minPosition') minPosition?: string) {
    return readModelAnswer(this.runtime, pointsLedgerProjection.name, minPosition, (db) => pointsLedger(db, customerId));
  }
}
