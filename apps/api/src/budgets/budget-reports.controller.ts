import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid, readScope, unitInScope, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { budgetUsage, budgetUsageProjection } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { CurrentActor, Roles } from '../http/auth';
import { Answer, budgetUsageAnswer } from '../openapi/answers';

@ApiTags('budgets')
@ApiBearerAuth()
@Controller('api/budgets')
export class BudgetReportsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Roles('marketer', 'approver', 'branch_head', 'analyst', 'admin')
  @Get()
  @ApiOperation({ summary: "Budget usage per unit for a year: allocated, split to units below, committed, released, spent, remaining" })
  @ApiQuery({ name: 'year', required: true, schema: { type: 'integer', minimum: 2000, maximum: 2100, example: 2026 }, description: 'budget year (the bank\'s calendar)' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answer(budgetUsageAnswer)
  async usage(@CurrentActor() actor: Actor, @Query('year') year: string, @Query('minPosition') minPosition?: string): Promise<Answer<typeof budgetUsageAnswer>> {
    const y = Number(year);
    if (!Number.isInteger(y) || y < 2000 || y > 2100) throw invalid('INVALID_YEAR', 'year must be a calendar year', { year });
    const org = await this.directory.current();
    const scope = readScope(actor);
    return readModelAnswer(this.runtime, budgetUsageProjection.name, minPosition, async (db) => ({ year: y, units: (await budgetUsage(db, y)).filter((u) => unitInScope(org, scope, u.unitId)) }));
  }
}
