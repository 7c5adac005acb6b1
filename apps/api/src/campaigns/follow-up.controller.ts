import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { asOfInstant, bankDateTime, businessDay, fromInstant, campaignInScope, invalid, tenDayChecks, tenDayWindows, windowReaction, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { campaignCalendar, campaignContactsByDay, campaignEffectiveness, campaignEffectivenessProjection, campaignParticipants, campaignPlan, campaignReactionCounts } from '@app/read-models';
import { CurrentActor, Roles } from '../http/auth';
import { readModelAnswer } from '../http/read-model';
import { requireCampaignInScope } from '../http/scope';
import { Answer } from '../openapi/answers';
import { calendarAnswer, followUpAnswer } from './follow-up.answers';

const PROJECTION = campaignEffectivenessProjection.name;
const FOLLOWERS = ['marketer', 'approver', 'branch_head', 'analyst', 'admin'] as const;

/**
 * Execution and follow-up (004 篇九 第三十条: the participant list kept during execution, the
 * customers' feedback): targets against actuals checked each 旬 (004 存款营销活动方案 三: "每旬…
 * 进行效果评价,活动的策划方案实施情况如何,活动是否达到了预期的目的,客户对活动的反映如何"),
 * each check with the customers' reaction in its window.
 */
@ApiTags('campaigns')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
@Controller('api/campaigns')
export class FollowUpController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles(...FOLLOWERS)
  @Get(':campaignId/participants')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: "UTF-8 CSV with a byte-order mark (Excel opens it as UTF-8): one line per enrolled customer, times as YYYY-MM-DD HH:mm:ss on the bank's clock (Asia/Shanghai by default) and the bank day of the enrolment", content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiOperation({ summary: 'The participant list as CSV for Excel: customer id, group, bank day and time enrolled, first contacted / offered / accepted, took part (bank time)' })
  async participants(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    const org = await this.directory.current();
    const { rows } = await readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId, { overseeing: true });
      return { rows: await campaignParticipants(db, campaignId) };
    });
    // Times as the bank's wall clock shows them (bank staff filter by day in Excel), and the bank day of the enrolment.
    const local = (iso: string | null) => (iso === null ? '' : bankDateTime(iso));
    const header = ['customerId', 'group', 'enrolledDay', 'enrolledAt', 'firstContactedAt', 'firstOfferedAt', 'firstAcceptedAt', 'tookPartAt'];
    const lines = rows.map((r) => [r.customerId, r.group, businessDay(r.enrolledAt), local(r.enrolledAt), local(r.firstContactedAt), local(r.firstOfferedAt), local(r.firstAcceptedAt), local(r.tookPartAt)]);
    return `\uFEFF${stringify([header, ...lines], { record_delimiter: 'windows' })}`;
  }

  @Roles(...FOLLOWERS)
  @Get(':campaignId/follow-up')
  @ApiOperation({
    summary: 'Targets against actuals checked each 旬 (plan carried out? objective on course? customers\' reaction?), feedback and complaint rate',
    description:
      "004: \"每旬…进行效果评价\" — one check per 旬 of the bank's calendar (days 1–10, 11–20, 21 to the month's end, cut at the bank's midnights in BANK_TIME_ZONE, Asia/Shanghai by default) inside the period, up to now; the 旬 still running comes last (`inProgress`, figures so far). Each check carries the customers' reaction in its window alone: feedback lines recorded, their average rating (null, not 0, when none was rated), complaints raised, and the complaint rate = complaints raised in the window ÷ distinct customers the campaign contacted in the window (not the participants: the customers the window's work reached; a customer complaining twice counts twice, so it may exceed 1; null when nobody was contacted in the window). Each fact falls in the window of the bank day of its business time (feedback at 23:30 Beijing on the 10th is the 上旬's, at 00:30 on the 11th the 中旬's). `reaction` is the whole campaign's.",
  })
  @Answer(followUpAnswer)
  async followUp(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof followUpAnswer>> {
    const org = await this.directory.current();
    const now = new Date().toISOString();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId);
      const figures = (await campaignEffectiveness(db, campaignId))!;
      // The plan as drafted, and the customers' reaction per 旬 window and over the whole campaign, from
      // the read model's counters per bank day: a few rows per window whatever the number of contacts.
      const { period, targets } = (await campaignPlan(db, campaignId))!;
      const windows = tenDayWindows(period, now);
      const reactions = await campaignReactionCounts(db, campaignId, windows);
      // The check counts every contact made in its window (re-contacts too), the conversions and revenue by day.
      const contacts = new Map((await campaignContactsByDay(db, campaignId)).map((d) => [d.date, d.contacts]));
      const dates = [...new Set([...figures.daily.map((d) => d.date), ...contacts.keys()])].sort();
      const byDate = new Map(figures.daily.map((d) => [d.date, d]));
      const daily = dates.map((date) => ({ date, contacts: contacts.get(date) ?? 0, converted: byDate.get(date)?.converted ?? 0, revenue: byDate.get(date)?.revenue ?? '0.00' }));
      return {
        campaignId,
        period,
        targets,
        actuals: { conversions: figures.conversions, revenue: figures.revenue, cost: figures.cost, participants: figures.funnel.participated, contacted: figures.funnel.contacted },
        checks: tenDayChecks(period, targets, daily, now, reactions.windows),
        reaction: {
          feedback: reactions.whole.feedback,
          averageRating: windowReaction({ ...reactions.whole, customersContacted: 0 }).averageRating,
          complaints: figures.complaints,
          complaintRate: figures.complaintRate,
        },
      };
    });
  }
}

/** The campaign calendar: campaigns per unit on a timeline, and how many customers two overlapping ones share. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles(...FOLLOWERS)
  @Get()
  @ApiOperation({ summary: 'Campaigns whose period meets [from, to), by owning unit, with the customers each two overlapping campaigns share' })
  @ApiQuery({ name: 'from', required: true, description: 'a bank day (YYYY-MM-DD: its start) or a time with its offset' })
  @ApiQuery({ name: 'to', required: true, description: 'a bank day (YYYY-MM-DD: its end) or a time with its offset' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the figures include this position, as returned by a command' })
  @Answer(calendarAnswer)
  async calendar(@CurrentActor() actor: Actor, @Query('from') from?: string, @Query('to') to?: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof calendarAnswer>> {
    // A bare `from` day means its start (the bank's own midnight, however long the day), a bare `to` day its end;
    // undefined for what is not a day or a time with its offset.
    const begin = from ? fromInstant(from) : undefined;
    const end = to ? asOfInstant(to) : undefined;
    if (!begin || !end || begin >= end) throw invalid('INVALID_PERIOD', 'from and to are bank days (YYYY-MM-DD) or times with their offset, from before to', { from, to });
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, PROJECTION, minPosition, async (db) => {
      const cal = await campaignCalendar(db, begin.toISOString(), end.toISOString());
      const visible = new Set(cal.campaigns.filter((c) => campaignInScope(org, actor, c.ownerUnitId)).map((c) => c.campaignId));
      return { from: begin.toISOString(), to: end.toISOString(), campaigns: cal.campaigns.filter((c) => visible.has(c.campaignId)), overlaps: cal.overlaps.filter((o) => o.campaigns.every((id) => visible.has(id))) };
    });
  }
}
