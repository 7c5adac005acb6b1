import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { checkReadiness, publicReadiness, type Runtime } from '@app/platform';
import { Public } from '../http/auth';
import { RUNTIME } from '@app/application';
import { Answer, liveAnswer, readyAnswer } from '../openapi/answers';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @Answer(liveAnswer, { status: 'ok' })
  live(): Answer<typeof liveAnswer> {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the event store and the read-model database answer; reports the store position and each projection\'s lag. With READY_MAX_LAG_SECONDS, unready while reads would be staler than that',
  })
  @Answer(readyAnswer, {
    status: 'ready',
    store: { kind: 'postgres', position: '1042/7', globalPosition: '7' },
    database: { ok: true },
    projections: [{ name: 'campaign-effectiveness', state: 'running', position: '1042/7', lag: { events: 0, seconds: 0 } }],
  })
  @ApiServiceUnavailableResponse({ description: 'STORE_UNREACHABLE, DATABASE_UNREACHABLE or READ_MODELS_STALE, with the same report in details (without the errors\' text: that is on the METRICS_PORT server)' })
  async ready(): Promise<Answer<typeof readyAnswer>> {
    // This port is public: codes only, the errors' text (hosts, users) stays on the METRICS_PORT server.
    const r = publicReadiness(await checkReadiness(this.runtime, { maxLagSeconds: this.runtime.config.readyMaxLagSeconds }));
    const report = { store: r.store, database: r.database, projections: r.projections, ...(r.maxLagSeconds !== undefined ? { maxLagSeconds: r.maxLagSeconds } : {}) };
    // Ready means the store and the database answered: their reports are the answering kind.
    if (!r.ready || !('globalPosition' in r.store) || !r.database.ok) throw new ServiceUnavailableException({ code: r.code, message: r.message, details: report });
    return { status: 'ready', ...report, store: r.store, database: { ok: true }, projections: [...r.projections] };
  }
}
