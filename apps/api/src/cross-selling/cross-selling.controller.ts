import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MONTH_PATTERN, invalid, readScope, staffInScope, unitInScope, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import { requireCampaignInScope } from '../http/scope';
import type { Runtime } from '@app/platform';
import { attritionByProducts, campaignCrossSell, campaignEffectivenessProjection, crossSellingProjection, crossSellRatio, referralStats } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { CurrentActor, Roles } from '../http/auth';
import { Answer, campaignCrossSellingAnswer, crossSellingAnswer } from '../openapi/answers';


/** Cross-selling: products per customer over time, referral conversion, attrition by products held. */
@ApiTags('cross-selling')
@ApiBearerAuth()
@ApiQuery({ name: 'minPosition', required: false })
@Controller('api')
export class CrossSellingController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('marketer', 'approver', 'branch_head', 'analyst', 'admin')
  @Get('cross-selling')
  @ApiOperation({ summary: 'Cross-sell ratio by month and unit, referral conversion per referrer and seller, attrition by number of products held' })
  @ApiQuery({ name: 'from', required: true, example: '2026-01' })
  @ApiQuery({ name: 'to', required: true, example: '2026-12' })
  @ApiQuery({ name: 'lostAfterDays', required: false, description: 'days with no assets and no product that count as lost (default 90)' })
  @Answer(crossSellingAnswer)
  async overview(@CurrentActor() actor: Actor, @Query('from') from: string, @Query('to') to: string, @Query('lostAfterDays') lostAfterDays?: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof crossSellingAnswer>> {
    if (!MONTH_PATTERN.test(from ?? '') || !MONTH_PATTERN.test(to ?? '') || from > to) throw invalid('INVALID_PERIOD', 'from and to are months (YYYY-MM), from ≤ to', { from, to });
    const days = lostAfterDays === undefined ? 90 : Number(lostAfterDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw invalid('INVALID_DAYS', 'lostAfterDays is a whole number of days', { lostAfterDays });
    const org = await this.directory.current();
    const scope = readScope(actor);
    // Rows of a unit or a person outside the reader's subtree are left out; the bank-wide rows
    // (no unit) and the attrition table are aggregates over all customers, without anyone's data.
    const staffVisible = (staffId: string) => {
      const s = org.staff.get(staffId);
      return scope.kind === 'all' || (s !== undefined && staffInScope(org, scope, s));
    };
    return readModelAnswer(this.runtime, crossSellingProjection.name, minPosition, async (db) => {
      const referrals = await referralStats(db);
      return {
        ratio: (await crossSellRatio(db, from, to)).filter((r) => r.unitId === null || unitInScope(org, scope, r.unitId)),
        referrals: { byReferrer: referrals.byReferrer.filter((r) => staffVisible(r.staffId)), bySeller: referrals.bySeller.filter((r) => staffVisible(r.staffId)) },
        attrition: await attritionByProducts(db, days),
      };
    });
  }

  @Roles('marketer', 'approver', 'branch_head', 'analyst', 'admin')
  @Get('campaigns/:campaignId/cross-selling')
  @ApiOperation({ summary: "Products per customer before and after the campaign, treatment against control" })
  @Answer(campaignCrossSellingAnswer)
  async campaign(@CurrentActor() actor: Actor, @Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof campaignCrossSellingAnswer>> {
    const org = await this.directory.current();
    return readModelAnswer(this.runtime, [crossSellingProjection.name, campaignEffectivenessProjection.name], minPosition, async (db) => {
      await requireCampaignInScope(org, actor, db, campaignId);
      return { campaignId, groups: await campaignCrossSell(db, campaignId) };
    });
  }
}
