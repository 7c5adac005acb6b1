import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid } from '@app/domain';
import type { Runtime } from '@app/platform';
import { budgetUsage, budgetUsageProjection } from '@app/read-models';
import { readModelAnswer } from '../http/read-model';
import { RUNTIME } from '../runtime.token';

@ApiTags('budgets')
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@Controller('api/budgets')
export class BudgetReportsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @ApiOperation({ summary: "Budget usage per unit for a year: allocated, split to units below, committed, released, spent, remaining" })
  @ApiQuery({ name: 'year', required: true, example: 2026 })
  @ApiQuery({ name: 'minPosition', required: false })
  usage(@Query('year') year: string, @Query('minPosition') minPosition?: string) {
    const y = Number(year);
    if (!Number.isInteger(y) || y < 2000 || y > 2100) throw invalid('INVALID_YEAR', 'year must be a calendar year', { year });
    return readModelAnswer(this.runtime, budgetUsageProjection.name, minPosition, async (db) => ({ year: y, units: await budgetUsage(db, y) }));
  }
}
