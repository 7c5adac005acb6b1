import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { businessYear, minimumDetectableLift, plannedCampaign, toFen, formatFen, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { budgetUsage, budgetUsageProjection, campaignAudienceCounts, campaignEffectivenessProjection, controlConversionRate, customerDirectoryProjection } from '@app/read-models';
import { id, nonNegativeMoney, parseBody, toOpenApi } from '@app/interactions';
import { CurrentActor, Roles } from '../http/auth';
import { commandContext } from '../http/command-context';
import { readModelAnswer } from '../http/read-model';
import { Answer, audiencePreviewAnswer } from '../openapi/answers';
import { draft } from '../campaigns/campaigns.controller';

/** Used when no past campaign on these products had a control group and the request names no rate. */
const FALLBACK_BASELINE = 0.05;

const preview = draft.omit({ campaignId: true, name: true, objective: true, targets: true }).extend({
  /** The campaign being designed (its own enrolments do not count as overlap; the default seed of its split). */
  campaignId: id.optional(),
  randomisationSeed: z.string().min(1).max(100).optional(),
  /** Conversion rate the control group is expected to show (default: past campaigns' control rate on these products). */
  baselineRate: z.number().min(0.0001).max(0.9999).optional(),
  /** Expected cost per treatment customer (default: the expected cost is the plan's budget). */
  costPerCustomer: nonNegativeMoney.optional(),
});

const EXAMPLE = {
  campaignId: 'K-2026-002',
  ownerUnitId: 'BR-SH',
  productCodes: ['FUND-BOND'],
  channels: ['phone', 'sms'],
  audience: { tiers: ['standard', 'platinum'], ageBand: { min: 30, max: 60 }, suitableOnly: true, excludeContactCapReached: true, dormantMonths: 6 },
  budget: '50000.00',
  period: { start: '2026-04-01', end: '2026-06-30' },
  controlGroupPercent: 10,
};

/** The audience builder's live preview: who a rule selects now, who it leaves out and why, and what the campaign could prove. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/audiences')
export class AudiencesController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('marketer', 'admin')
  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview an audience rule: size, exclusions by reason, breakdown by unit and tier, treatment/control split, expected cost against the remaining budget, minimum detectable lift',
    description:
      'The launch selects its audience with the same rule on the same directory: launched at the position this answer reflects, it enrols these customers, split as shown. Nothing is written.',
  })
  @ApiBody({ schema: toOpenApi(preview), examples: { bondFund: { value: EXAMPLE } } })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the customer directory includes this position, as returned by a command' })
  @Answer(audiencePreviewAnswer)
  async preview(@Req() req: Request, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof audiencePreviewAnswer>> {
    const { campaignId, randomisationSeed, baselineRate, costPerCustomer, occurredAt, ...draftPlan } = parseBody(preview, body);
    const at = commandContext(req, actor, occurredAt).occurredAt;
    const org = await this.directory.current();
    // A draft's rules for its plan (role, scope, products, period, the audience rule's checks) say whether this plan could exist.
    const plan = plannedCampaign({ name: 'preview', objective: '', targets: { conversions: null, revenue: null }, ...draftPlan }, org, actor);
    const year = businessYear(plan.period.start);
    return readModelAnswer(this.runtime, [customerDirectoryProjection.name, campaignEffectivenessProjection.name, budgetUsageProjection.name], req.query.minPosition, async (db) => {
      // Counted in the database, split as the launch splits (the same seed: the request's, else the campaign's id).
      const audience = await campaignAudienceCounts(db, plan, campaignId ?? null, org, at, randomisationSeed ?? campaignId ?? 'PREVIEW');
      const { treatment, control } = audience;
      const past = await controlConversionRate(db, plan.productCodes, campaignId ?? null);
      const baseline = baselineRate ?? past.rate ?? FALLBACK_BASELINE;
      const budget = (await budgetUsage(db, year)).find((b) => b.unitId === plan.ownerUnitId);
      const remainingFen = budget ? toFen(budget.remaining)! : 0;
      const expectedFen = costPerCustomer === undefined ? toFen(plan.budget)! : toFen(costPerCustomer)! * treatment;
      const lift = minimumDetectableLift({ baselineRate: baseline, treatment, control });
      return {
        at,
        audienceSize: audience.audienceSize,
        excluded: audience.excluded,
        byUnit: breakdown(audience.cells, 'unitId'),
        byTier: breakdown(audience.cells, 'tier'),
        split: { seed: randomisationSeed ?? campaignId ?? 'PREVIEW', controlGroupPercent: plan.controlGroupPercent, treatment, control },
        cost: { year, ownerUnitId: plan.ownerUnitId, expected: formatFen(expectedFen), basis: costPerCustomer === undefined ? 'budget' : 'per_treatment_customer', remainingBudget: formatFen(remainingFen), withinBudget: expectedFen <= remainingFen },
        baseline: { rate: baseline, source: baselineRate !== undefined ? 'request' : past.rate !== null ? 'past_control_groups' : 'platform_default', pastCampaigns: past.campaigns, pastControlCustomers: past.controlCustomers, pastControlConverted: past.converted },
        minimumDetectableLift: lift && { confidence: 0.95, power: 0.8, absolute: round(lift.absolute), relative: lift.relative === null ? null : round(lift.relative), treatmentRate: round(lift.treatmentRate) },
      };
    });
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Included and excluded customers per unit (or tier), largest first. */
function breakdown<K extends 'unitId' | 'tier'>(cells: readonly { unitId: string; tier: string; reason: string | null; count: number }[], key: K): (Record<K, string> & { included: number; excluded: number })[] {
  const by = new Map<string, { included: number; excluded: number }>();
  for (const c of cells) {
    const row = by.get(c[key]) ?? by.set(c[key], { included: 0, excluded: 0 }).get(c[key])!;
    if (c.reason === null) row.included += c.count;
    else row.excluded += c.count;
  }
  return [...by].sort(([ka, a], [kb, b]) => b.included - a.included || ka.localeCompare(kb)).map(([k, v]) => ({ [key]: k, ...v }) as Record<K, string> & { included: number; excluded: number });
}
