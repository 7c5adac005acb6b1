import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus, Query as CqrsQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MONTH_PATTERN, invalid, notFound, readScope, requireUnitInScope, staffInScope, unitInScope, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { periodCorrections, periodCorrectionsProjection, personCredits, personScorecard, scorecard, staffScorecardProjection, PEOPLE_PER_PAGE, type PeoplePage, type Queryable } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { pageLimit } from '../http/paging';
import { Roles, ANY_ROLE, CurrentActor } from '../http/auth';
import { Answer, personScorecardAnswer, scorecardAnswer } from '../openapi/answers';

const PROJECTION = staffScorecardProjection.name;

export class GetScorecard extends CqrsQuery<Awaited<ReturnType<typeof scorecard>>> {
  constructor(
    readonly period: string,
    readonly orgUnit: string | undefined,
    readonly page: PeoplePage,
    readonly db: Queryable,
  ) {
    super();
  }
}

@QueryHandler(GetScorecard)
export class GetScorecardHandler implements IQueryHandler<GetScorecard> {
  async execute({ period, orgUnit, page, db }: GetScorecard) {
    const result = await scorecard(db, period, orgUnit, page);
    if (orgUnit && result.units.length === 0) throw notFound('UNKNOWN_UNIT', `no org unit ${orgUnit}`, { unitId: orgUnit });
    return result;
  }
}

/** The page of people asked for (`limit`, `offset` as given in the query string), or 400 (INVALID_LIMIT, INVALID_OFFSET); empty is absent, as for `pageLimit`. */
export function peoplePageOf(limit: string | undefined, offset: string | undefined): { limit: number; offset: number } {
  const skip = offset === undefined || offset === '' ? 0 : /^\d+$/.test(offset) ? Number(offset) : NaN;
  if (!Number.isSafeInteger(skip)) throw invalid('INVALID_OFFSET', 'offset is a whole number, 0 or more', { offset });
  return { limit: pageLimit(limit, { fallback: PEOPLE_PER_PAGE.default, max: PEOPLE_PER_PAGE.max }), offset: skip };
}

function periodOf(value: unknown): string {
  if (typeof value !== 'string' || !MONTH_PATTERN.test(value)) throw invalid('INVALID_PERIOD', 'period is a month, YYYY-MM', { period: value });
  return value;
}

/** Staff and unit scorecards for a month, rolled up the org tree. */
@ApiTags('scorecards')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
@Controller('api/scorecards')
export class ScorecardsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles(...ANY_ROLE)
  @Get()
  @ApiOperation({
    summary: 'Every unit at or below orgUnit for a month, and a page of its people (best score first): conversions, revenue, weighted points, shadow, penalties, complaint rate, adherence, target, rank',
    description:
      'Each fact counts in its business month (in BANK_TIME_ZONE, Asia/Shanghai by default) under the unit its person was in when it happened (the sale a referrer keeps for a customer they moved up to a wealth centre: under the sub-branch they moved them from), and a sale for the manager the customer was assigned to when it happened (business time, whatever order the sale and the assignments were recorded in; of the assignments starting by then, the last recorded holds, as for access; an assignment or move recorded after the sale, even backdated, does not move its credit; a sale dated in a stay of the customer in a wealth centre or a unit inside one, such as a team of the centre (stays by the same rule) is the sale of the manager who moved them up, under the sub-branch they left, and the shadow points of the manager at the sale under the centre, never to the referring manager twice): a person who moved during the month has a row for each unit, and a later move or transfer never changes a past month. ' +
      'Adherence counts the customers assigned to the person at any time in the month. Points have two places, exact (revenue × weight rounded half up). ' +
      '`units` is every unit at or below orgUnit, each the sum of everyone at or below it (a person counted once in a unit however many of their rows lie under it). ' +
      'A unit sums every credit placed in it, also that of a staff id the log moved into it but never registered (only an imported log holds one); `people` and the people counts show registered staff only, so their rows may add up to less; a credit placed in no unit is in no unit. ' +
      '`people` is one page of the person-unit rows, best score first, equal scores by staff id (then unit): `limit` rows (default 100, at most 500) after the first `offset`; `peopleTotal` rows in all. ' +
      '`rankInUnit` is the rank among everyone of the row unit (1 + how many there scored more; a tie shares it), whichever page the row falls on. A relationship manager is paged through their own rows only.',
  })
  @ApiQuery({ name: 'period', required: true, example: '2026-03' })
  @ApiQuery({ name: 'orgUnit', required: false, example: 'BR-SH' })
  @ApiQuery({ name: 'limit', required: false, description: `people rows of the page: 1–${PEOPLE_PER_PAGE.max}, default ${PEOPLE_PER_PAGE.default}` })
  @ApiQuery({ name: 'offset', required: false, description: 'people rows to skip first: 0 or more, default 0. Each page is read at the position of the read model then: a person whose score changes between two pages can move across them (seen twice or not at all)' })
  @Answer(scorecardAnswer)
  async list(
    @CurrentActor() actor: Actor,
    @Query('period') period: string,
    @Query('orgUnit') orgUnit?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<Answer<typeof scorecardAnswer>> {
    const p = periodOf(period);
    const page = peoplePageOf(limit, offset);
    const org = await this.directory.current();
    const scope = readScope(actor);
    // Readers with a subtree start at their own unit; a unit asked for must be inside their scope.
    const unit = orgUnit || (scope.kind === 'subtree' ? scope.unitId : undefined);
    if (orgUnit && org.units.has(orgUnit)) requireUnitInScope(org, actor, orgUnit);
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      // A reader who sees themselves only is paged through their own rows (ranked in their units all the same).
      const all = await this.queries.execute(new GetScorecard(p, unit, { ...page, staffId: scope.kind === 'self' ? scope.staffId : undefined }, db));
      // Every row lies at or below a unit in scope (the one asked for, or the reader's own): the check stays, should the trees ever differ.
      const people = all.people.filter((x) => staffInScope(org, scope, x));
      const units = all.units.filter((u) => unitInScope(org, scope, u.unitId));
      return { period: p, orgUnit: unit ?? null, ...page, peopleTotal: all.peopleTotal, people, units };
    });
  }

  @Roles(...ANY_ROLE)
  @Get(':staffId')
  @ApiOperation({
    summary: "One person's scorecard for a month, with the credits (sales) behind it",
    description: 'Someone who moved unit during the month: the sum of the month, under the unit they were in last, and `byUnit` with the figures of each unit they were in (as the unit scorecards show them).',
  })
  @ApiQuery({ name: 'period', required: true, example: '2026-03' })
  @Answer(personScorecardAnswer)
  async person(@CurrentActor() actor: Actor, @Param('staffId') staffId: string, @Query('period') period: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof personScorecardAnswer>> {
    const p = periodOf(period);
    const org = await this.directory.current();
    const staff = org.staff.get(staffId);
    // Outside the reader's scope answers as an unknown id does: a 403 would tell who exists.
    if (staff && !staffInScope(org, readScope(actor), staff)) throw notFound('UNKNOWN_STAFF', `no staff member ${staffId}`, { staffId });
    return readModelAnswer(this.runtime, [PROJECTION, periodCorrectionsProjection.name], minPosition, async (db) => {
      // Someone who moved during the month: their whole month, and a row per unit (byUnit).
      const person = await personScorecard(db, staffId, p);
      if (!person) throw notFound('UNKNOWN_STAFF', `no staff member ${staffId}`, { staffId });
      // Facts an admin recorded in a closed month, with the reason: the figures show they were corrected.
      const corrections = await periodCorrections(db, staffId, p);
      // The sales behind the figures name customers: not for marketers, who see no customer records.
      if (actor.role === 'marketer') return { period: p, ...person, corrections: corrections.map(({ customerId: _c, ...rest }) => rest) };
      return { period: p, ...person, credits: await personCredits(db, staffId, p), corrections };
    });
  }
}
