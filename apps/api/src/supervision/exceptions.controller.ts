import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid, readScope, unitInScope, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { supervisionExceptions, supervisionProjection } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { CurrentActor, Roles } from '../http/auth';
import { Answer, exceptionsAnswer } from '../openapi/answers';

@ApiTags('supervision')
@ApiBearerAuth()
@Controller('api/exceptions')
export class ExceptionsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('approver', 'branch_head', 'analyst', 'admin')
  @Get()
  @ApiOperation({ summary: 'Supervision exceptions: card without application, application without card, tier mismatch, special cards above 5%, complaints past their deadline without an answer (as of now)' })
  @ApiQuery({ name: 'openDays', required: false, description: 'days an approved application may wait for its card (default 30)' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answer(exceptionsAnswer)
  async list(@CurrentActor() actor: Actor, @Query('openDays') openDays?: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof exceptionsAnswer>> {
    const days = openDays === undefined ? 30 : Number(openDays);
    if (!Number.isInteger(days) || days < 0 || days > 365) throw invalid('INVALID_DAYS', 'openDays is a whole number of days from 0 to 365', { openDays });
    const org = await this.directory.current();
    const scope = readScope(actor);
    return readModelAnswer(this.runtime, supervisionProjection.name, minPosition, async (db) => ({
      exceptions: (await supervisionExceptions(db, new Date(), days)).filter((e) => scope.kind === 'all' || (e.unitId !== null && unitInScope(org, scope, e.unitId))),
    }));
  }
}
