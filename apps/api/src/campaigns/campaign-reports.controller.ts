import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus, Query as CqrsQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { notFound } from '@app/domain';
import type { Runtime } from '@app/platform';
import { campaignConversions, campaignEffectiveness, campaignEffectivenessProjection, campaignList, type CampaignEffectiveness, type Queryable } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';

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
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
@Controller('api/campaigns')
export class CampaignReportsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every campaign with its headline figures (enrolled, conversions, revenue, cost, ROI)' })
  list(@Query('minPosition') minPosition?: string) {
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => ({ campaigns: await campaignList(db) }));
  }

  @Get(':campaignId/effectiveness')
  @ApiOperation({
    summary: 'Funnel, treatment vs control conversion, lift with its 95% interval, revenue, cost, ROI, daily series and breakdowns',
  })
  effectiveness(@Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    return readModelAnswer(this.runtime, PROJECTION, minPosition, (db) => this.queries.execute(new GetCampaignEffectiveness(campaignId, db)));
  }

  @Get(':campaignId/effectiveness/conversions')
  @ApiOperation({ summary: 'The sales behind the conversions and revenue figures, each with the id of the event that recorded it' })
  conversions(@Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => ({ campaignId, conversions: await campaignConversions(db, campaignId) }));
  }
}
