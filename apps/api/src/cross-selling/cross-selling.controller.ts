import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MONTH_PATTERN, invalid } from '@app/domain';
import type { Runtime } from '@app/platform';
import { attritionByProducts, campaignCrossSell, crossSellingProjection, crossSellRatio, referralStats } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';


/** Cross-selling: products per customer over time, referral conversion, attrition by products held. */
@ApiTags('cross-selling')
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@ApiQuery({ name: 'minPosition', required: false })
@Controller('api')
export class CrossSellingController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('cross-selling')
  @ApiOperation({ summary: 'Cross-sell ratio by month and unit, referral conversion per referrer and seller, attrition by number of products held' })
  @ApiQuery({ name: 'from', required: true, example: '2026-01' })
  @ApiQuery({ name: 'to', required: true, example: '2026-12' })
  @ApiQuery({ name: 'lostAfterDays', required: false, description: 'days with no assets and no product that count as lost (default 90)' })
  overview(@Query('from') from: string, @Query('to') to: string, @Query('lostAfterDays') lostAfterDays?: string, @Query('minPosition') minPosition?: string) {
    if (!MONTH_PATTERN.test(from ?? '') || !MONTH_PATTERN.test(to ?? '') || from > to) throw invalid('INVALID_PERIOD', 'from and to are months (YYYY-MM), from ≤ to', { from, to });
    const days = lostAfterDays === undefined ? 90 : Number(lostAfterDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw invalid('INVALID_DAYS', 'lostAfterDays is a whole number of days', { lostAfterDays });
    return readModelAnswer(this.runtime, crossSellingProjection.name, minPosition, async (db) => ({
      ratio: await crossSellRatio(db, from, to),
      referrals: await referralStats(db),
      attrition: await attritionByProducts(db, days),
    }));
  }

  @Get('campaigns/:campaignId/cross-selling')
  @ApiOperation({ summary: "Products per customer before and after the campaign, treatment against control" })
  campaign(@Param('campaignId') campaignId: string, @Query('minPosition') minPosition?: string) {
    return readModelAnswer(this.runtime, crossSellingProjection.name, minPosition, async (db) => ({ campaignId, groups: await campaignCrossSell(db, campaignId) }));
  }
}
