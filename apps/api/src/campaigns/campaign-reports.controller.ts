import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus, Query as CqrsQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { campaignInScope, notFound, type Actor } from '@app/domain';
import { OrganisationDirectory } from '../organisation/organisation.directory';
import { requireCampaignInScope } from '../http/scope';
import type { Runtime } from '@app/platform';
import { campaignConversions, campaignEffectiveness, campaignEffectivenessProjection, campaignList, type CampaignEffectiveness, type Queryable } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';
import { Roles, ANY_ROLE, CurrentActor } from '../http/auth';

const PROJECTION = campaignEffectivenessProjection.name;

export class GetCampaignEffectiveness extends CqrsQuery<CampaignEffectiveness> {
  constructor(
    readonly campaignId: string,
    readonly db: Queryable,
  ) {
    super();
  }
}

@QueryHandler(GetCampaignEffectiveness)
export class GetCampaignEffectivenessHandler implements IQueryHandler<GetCampaignEffectiveness> {
  async execute({ campaignId, db }: GetCampaignEffectiveness): Promise<CampaignEffectiveness> {
    const figures = await campaignEffectiveness(db, campaignId);
    if (!figures) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
    return figures;
  }
}

/** Campaign dashboards: the list with headline figures, one campaign's effectiveness, and the sales behind it. */
@ApiTags('campaigns')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
@Controller('api/campaigns')
export class CampaignReportsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles(...ANY_ROLE)
  @Get()
  @ApiOperation({ summary: 'Every campaign with its headline figures (enrolled, conversions, revenue, cost, ROI)' })
  async list(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string) {
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => ({ campaigns: (await campaignList(db)).filter((c) => campaignInScope(org, actor, c.ownerUnitId)) }));
  }

  @Roles(...ANY_ROLE)
  @Get(':campaignId/effectiveness')
  @ApiOperation({
    summary: 'Funnel, treatment vs control conversion, lift with its 95% interval, revenue, cost, ROI, daily series and breakdowns',
  })
  async effectiveness(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId);
      return this.queries.execute(new GetCampaignEffectiveness(campaignId, db));
    });
  }

  @Roles('marketer', 'approver', 'branch_head', 'analyst', 'admin')
  @Get(':campaignId/effectiveness/conversions')
  @ApiOperation({ summary: 'The sales behind the conversions and revenue figures, each with the id of the event that recorded it' })
  async conversions(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId);
      return { campaignId, conversions: await campaignConversions(db, campaignId) };
    });
  }
}
