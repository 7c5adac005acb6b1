import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@app/domain';
import { callList, OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { customerDirectoryProjection } from '@app/read-models';
import { CurrentActor, Roles } from '../http/auth';
import { readModelAnswer } from '../http/read-model';
import { Answer, callListAnswer } from '../openapi/answers';

/** A relationship manager's call list: whom to contact today, on which channel, and what is due. */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/call-list')
export class CallListController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('relationship_manager')
  @Get()
  @ApiOperation({
    summary: 'My customers to contact now per running campaign with the channels a contact would be accepted on (consent, contact caps, control groups, period: asked of the customer\'s own rules), maintenance calls due this month, unanswered complaints',
  })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the customer directory includes this position, as returned by a command' })
  @Answer(callListAnswer)
  async list(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string): Promise<Answer<typeof callListAnswer>> {
    const org = await this.directory.current();
    const at = new Date().toISOString();
    return readModelAnswer(this.runtime, customerDirectoryProjection.name, minPosition, () => callList(this.runtime.store, this.runtime.db.pool, org, actor, at));
  }
}
