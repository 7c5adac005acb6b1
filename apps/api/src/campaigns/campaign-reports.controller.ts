import { Controller, Get, Inject, Param, Query, ServiceUnavailableException } from '@nestjs/common';
import { QueryBus, Query as CqrsQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { asOfInstant, attributionRule, campaignDecider, campaignInScope, campaignStream, forbidden, invalid, notFound, type Actor, type AttributionRule } from '@app/domain';
import { comparePositions, formatPosition, type Position } from '@app/event-store';
import { loadState, OrganisationDirectory, RUNTIME } from '@app/application';
import { ReplaySlots } from './replay-slots';
import { requireCampaignInScope } from '../http/scope';
import type { Runtime } from '@app/platform';
import { campaignKpis, replaysHistory, readModelPosition, ReadModelNotReady, ReadTimedOut, type KpiAnswer, campaignConversions, decodeConversionCursor, campaignEffectiveness, campaignEffectivenessProjection, campaignList, campaignTotals, type CampaignEffectiveness, type Queryable } from '@app/read-models';
import { awaitReadModels, readModelAnswer, readModelBehind } from '../http/read-model';
import { pageLimit } from '../http/paging';
import { Roles, ANY_ROLE, CurrentActor } from '../http/auth';
import { Answer, campaignConversionsAnswer, campaignListAnswer, effectivenessAnswer } from '../openapi/answers';

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

/** History replays (as-of, attribution) this process runs at once, and per person; more answer 503 REPLAYS_BUSY. */
// Two per person: the dashboard asks as-of and attribution one after the other; never all of them.
const MAX_REPLAYS = 3;
const MAX_REPLAYS_PER_USER = 2;

const numberOrUndefined = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/** The sales list's page size: its default and the most one page holds. */
const SALES_PER_PAGE = { default: 5000, max: 5000 } as const;

function asOfParam(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const d = asOfInstant(value);
  if (!d) throw invalid('INVALID_AS_OF', 'asOf is a date (YYYY-MM-DD) or an ISO time', { asOf: value });
  return d;
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

  /** As-of and attribution answers, kept for the position they reflect (a few, newest first). */
  private readonly answers = new Map<string, Promise<KpiAnswer>>();
  readonly replays = new ReplaySlots(MAX_REPLAYS, MAX_REPLAYS_PER_USER);

  /**
   * Under direct attribution: a query of the read model for this campaign, no replay. Otherwise the
   * answer for (as-of, rule, position): from the cache, or replayed in one of the caller's slots. The
   * position is the one the answer's figures and `through` reflect: for a replay as of a date, the store
   * head read here, which the replay reads up to and no further; for now, the read model's (its figures,
   * and the history the ledger reads, stop there), which may have moved on between the look-up here and
   * the answer's own snapshot: the answer is then kept under the position it states.
   */
  private async kpis(actor: Actor, asOf: Date | undefined, rule: AttributionRule, campaignId: string, wanted: Position | undefined): Promise<KpiAnswer> {
    if (rule.model === 'direct') {
      try {
        return await campaignKpis(this.runtime.db.pool, this.runtime.store, { asOf, attribution: rule, campaignIds: [campaignId] });
      } catch (err) {
        if (err instanceof ReadModelNotReady || err instanceof ReadTimedOut) throw new ServiceUnavailableException({ code: err.code, message: err.message });
        throw err;
      }
    }
    const replayed = replaysHistory({ asOf, attribution: rule });
    const at = replayed ? await this.runtime.store.headPosition() : await readModelPosition(this.runtime.db.pool, PROJECTION);
    // A replay reads up to the head: every write a command has answered for is in it. Only a position of a
    // transaction still committing (never one a command returned) can be past it.
    if (wanted && (!at || comparePositions(at, wanted) < 0)) throw readModelBehind(replayed ? 'replayed' : PROJECTION, formatPosition(wanted));
    const keyAt = (position: string | null) => JSON.stringify([asOf?.toISOString() ?? null, rule, position]);
    const key = keyAt(at ? formatPosition(at) : null);
    let answer = this.answers.get(key);
    if (!answer) {
      const computing = this.replays.run(actor.userId, () => campaignKpis(this.runtime.db.pool, this.runtime.store, { asOf, attribution: rule, through: replayed ? at : undefined }));
      answer = computing;
      this.answers.set(key, computing);
      computing.then(
        (done) => {
          const reflects = keyAt(done.through);
          if (reflects === key || this.answers.get(key) !== computing) return;
          this.answers.delete(key);
          this.answers.set(reflects, computing);
          this.trimAnswers();
        },
        () => this.answers.delete(key),
      );
      this.trimAnswers();
    }
    try {
      return await answer;
    } catch (err) {
      if (err instanceof ReadModelNotReady || err instanceof ReadTimedOut) throw new ServiceUnavailableException({ code: err.code, message: err.message });
      throw err;
    }
  }

  /** A few answers, the newest kept. */
  private trimAnswers(): void {
    while (this.answers.size > 8) this.answers.delete(this.answers.keys().next().value!);
  }

  @Roles(...ANY_ROLE)
  @Get()
  @ApiOperation({
    summary: 'Every campaign with its headline figures (enrolled, conversions, revenue, cost, ROI), and totals across them',
    description:
      "A campaign's own figures count every sale that meets its rules: a customer in two overlapping campaigns who buys a product of both counts in each one's group figures (treatment/control revenue, converted). " +
      '`totals` (and `totals.byUnit`, per owning unit) count each sale and each customer once across the campaigns listed, so no total exceeds what was sold; tagged revenue (`conversions`, `revenue`) is one campaign per sale already.',
  })
  @Answer(campaignListAnswer)
  async list(@CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string): Promise<Answer<typeof campaignListAnswer>> {
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      const campaigns = (await campaignList(db)).filter((c) => campaignInScope(org, actor, c.ownerUnitId));
      return { campaigns, totals: await campaignTotals(db, campaigns.map((c) => c.campaignId)) };
    });
  }

  @Roles(...ANY_ROLE)
  @Get(':campaignId/effectiveness')
  @ApiOperation({
    summary: 'Funnel (participants among it), treatment vs control conversion, lift with its 95% interval, revenue, cost, ROI, complaint rate, daily series and breakdowns',
    description:
      "Group figures count every sale of one of the campaign's products in its run by a customer of the group, whatever other campaign the customer was also in: one sale counts once for each overlapping campaign. " +
      'Add campaigns up with the totals of GET /api/campaigns, which count each sale once. ' +
      '`lift.confidenceInterval95`: Newcombe hybrid score interval (Newcombe 1998, method 10), named in `lift.method`. ' +
      "`revenuePerCustomer.confidenceInterval95`: Welch's t interval with Welch-Satterthwaite degrees of freedom, each group's variance floored by p(1-p)m² " +
      '(p its Agresti-Coull-adjusted conversion rate (x + 2)/(n + 4), m the mean revenue per buying customer of both groups), named in `revenuePerCustomer.method`: ' +
      'groups of one customer and rates of 0% or 100% give intervals of sensible width; null while nobody in either group bought. ' +
      '`minPosition` holds beside `asOf` and `attribution` too: an answer from the read model (direct as of a date, or now under another model) waits for it (503 READ_MODEL_BEHIND after 5 s); ' +
      'one replayed as of a date under another model reads up to the store head, so it includes every write a command answered for, and its `through` is at or past `minPosition`.',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'figures as they stood at the end of this day (YYYY-MM-DD) or instant (ISO time): under direct attribution a query of the read model, under other models replayed on the side' })
  @ApiQuery({ name: 'attribution', required: false, description: 'direct (default), last-touch, first-touch, linear, time-decay' })
  @ApiQuery({ name: 'windowDays', required: false, description: 'contacts within this many days before a sale count (default 30)' })
  @ApiQuery({ name: 'halfLifeDays', required: false, description: 'time-decay half-life in days (default 7)' })
  @Answer(effectivenessAnswer, undefined, 'live figures from the read model (with `readModel`); as of a date or under another attribution model, replayed (with `attributed`, `asOf`, `attribution`, `through`)')
  async effectiveness(
    @CurrentActor() actor: Actor,
    @Param('campaignId') campaignId: string,
    @Query('minPosition') minPosition?: string,
    @Query('asOf') asOf?: string,
    @Query('attribution') attribution?: string,
    @Query('windowDays') windowDays?: string,
    @Query('halfLifeDays') halfLifeDays?: string,
  ): Promise<Answer<typeof effectivenessAnswer>> {
    const org = await this.directory.current();
    if (asOf !== undefined || attribution !== undefined) {
      // A replay reads the whole history: for the people who analyse campaigns, a few at a time.
      if (actor.role === 'relationship_manager') throw forbidden('ROLE_NOT_ALLOWED', 'figures as of a date or under another attribution are for marketers, approvers, heads and analysts', { actual: actor.role });
      const when = asOfParam(asOf);
      const rule = attributionRule(attribution ?? 'direct', { windowDays: numberOrUndefined(windowDays), halfLifeDays: numberOrUndefined(halfLifeDays) });
      // Existence and scope first, from the campaign's own stream (cheap, never behind): an unknown or
      // out-of-scope campaign answers 404 without a replay.
      const { state } = await loadState(this.runtime.store, campaignStream(campaignId), campaignDecider);
      if (state.status === 'none' || !state.plan || !campaignInScope(org, actor, state.plan.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
      // `?minPosition=` as on every read: an answer from the live read model (direct as of a date, or now under
      // another model) waits for it there; one replayed up to the store's head only has it checked.
      const wanted = await awaitReadModels(this.runtime, replaysHistory({ asOf: when, attribution: rule }) ? [] : [PROJECTION], minPosition);
      const answer = await this.kpis(actor, when, rule, campaignId, wanted);
      const figures = answer.campaigns.find((c) => c.campaignId === campaignId);
      if (!figures) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}${asOf ? ` as of ${asOf}` : ''}`, { campaignId });
      if (!campaignInScope(org, actor, figures.ownerUnitId)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
      return { ...figures, asOf: answer.asOf, attribution: answer.attribution, through: answer.through };
    }
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId);
      return this.queries.execute(new GetCampaignEffectiveness(campaignId, db));
    });
  }

  @Roles('marketer', 'approver', 'branch_head', 'analyst', 'admin')
  @Get(':campaignId/effectiveness/conversions')
  @ApiOperation({
    summary: 'The sales behind the conversions and revenue figures, each with the id of the event that recorded it',
    description: `A page at a time, in order of business time, then customer and conversion id: \`limit\` sales (at most and by default ${SALES_PER_PAGE.max}), after the cursor \`after\` (the \`next\` of the page before); \`next\` is null on the last page. Each page is read at the read model's position then: a sale recorded during a walk and dated before its cursor is on a page already read.`,
  })
  @ApiQuery({ name: 'limit', required: false, description: `sales per page, 1 to ${SALES_PER_PAGE.max} (default ${SALES_PER_PAGE.default})` })
  @ApiQuery({ name: 'after', required: false, description: 'the \`next\` cursor of the page before' })
  @Answer(campaignConversionsAnswer)
  async conversions(
    @CurrentActor() actor: Actor,
    @Param('campaignId') campaignId: string,
    @Query('minPosition') minPosition?: string,
    @Query('limit') limitText?: string,
    @Query('after') afterText?: string,
  ): Promise<Answer<typeof campaignConversionsAnswer>> {
    const limit = pageLimit(limitText, { fallback: SALES_PER_PAGE.default, max: SALES_PER_PAGE.max });
    const after = afterText === undefined || afterText === '' ? null : decodeConversionCursor(afterText);
    if (after === null && afterText) throw invalid('INVALID_CURSOR', 'after is the next cursor of a page of this list', { after: afterText });
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId, { overseeing: true });
      return { campaignId, ...(await campaignConversions(db, campaignId, { limit, after })) };
    });
  }
}
