import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid, requireRole, type Actor } from '@app/domain';
import type { Runtime } from '@app/platform';
import { CurrentActor, Roles } from '../http/auth';
import { pageLimit } from '../http/paging';
import { RUNTIME } from '@app/application';
import { Answer, auditAnswer } from '../openapi/answers';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ summary: 'The audit log (admin): every command and every read of personal data, newest first' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'outcome', required: false, enum: ['ok', 'refused', 'denied', 'failed'] })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @Answer(auditAnswer)
  async list(@CurrentActor() actor: Actor, @Query('actor') who?: string, @Query('outcome') outcome?: string, @Query('limit') limit?: string): Promise<Answer<typeof auditAnswer>> {
    requireRole(actor, ['admin']);
    const n = pageLimit(limit, { fallback: 100, max: 1000 });
    if (outcome !== undefined && !['ok', 'refused', 'denied', 'failed'].includes(outcome)) throw invalid('INVALID_OUTCOME', 'outcome is ok, refused, denied or failed', { outcome });
    return { entries: await this.runtime.audit.list({ actor: who, outcome, limit: n }) };
  }
}
