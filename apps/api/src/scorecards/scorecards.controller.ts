import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus, Query as CqrsQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MONTH_PATTERN, invalid, notFound } from '@app/domain';
import type { Runtime } from '@app/platform';
import { personCredits, scorecard, staffScorecardProjection, type Queryable } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';

const PROJECTION = staffScorecardProjection.name;

export class GetScorecard extends CqrsQuery<Awaited<ReturnType<typeof scorecard>>> {
  constructor(
    readonly period: string,
    readonly orgUnit: string | undefined,
    readonly db: Queryable,
  ) {
    super();
  }
}

@QueryHandler(GetScorecard)
export class GetScorecardHandler implements IQueryHandler<GetScorecard> {
  async execute({ period, orgUnit, db }: GetScorecard) {
    const result = await scorecard(db, period, orgUnit);
    if (orgUnit && result.units.length === 0) throw notFound('UNKNOWN_UNIT', `no org unit ${orgUnit}`, { unitId: orgUnit });
    return result;
  }
}

function periodOf(value: unknown): string {
  if (typeof value !== 'string' || !MONTH_PATTERN.test(value)) throw invalid('INVALID_PERIOD', 'period is a month, YYYY-MM', { period: value });
  return value;
}

/** Staff and unit scorecards for a month, rolled up the org tree. */
@ApiTags('scorecards')
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
@Controller('api/scorecards')
export class ScorecardsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every person and unit at or below orgUnit for a month: conversions, revenue, weighted points, shadow, penalties, adherence, target, rank' })
  @ApiQuery({ name: 'period', required: true, example: '2026-03' })
  @ApiQuery({ name: 'orgUnit', required: false, example: 'BR-SH' })
  list(@Query('period') period: string, @Query('orgUnit') orgUnit?: string, @Query('minPosition') minPosition?: string) {
    const p = periodOf(period);
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => ({ period: p, orgUnit: orgUnit ?? null, ...(await this.queries.execute(new GetScorecard(p, orgUnit || undefined, db))) }));
  }

  @Get(':staffId')
  @ApiOperation({ summary: "One person's scorecard for a month, with the credits (sales) behind it" })
  @ApiQuery({ name: 'period', required: true, example: '2026-03' })
  person(@Param('staffId') staffId: string, @Query('period') period: string, @Query('minPosition') minPosition?: string) {
    const p = periodOf(period);
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      const all = await this.queries.execute(new GetScorecard(p, undefined, db));
      const person = all.people.find((x) => x.staffId === staffId);
      if (!person) throw notFound('UNKNOWN_STAFF', `no staff member ${staffId}`, { staffId });
      return { period: p, ...person, credits: await personCredits(db, staffId, p) };
    });
  }
}
