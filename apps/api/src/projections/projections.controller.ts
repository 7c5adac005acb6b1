import { Body, ConflictException, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { emptyBody, parseBody } from '@app/interactions';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound, requireRole, type Actor } from '@app/domain';
import { START, formatPosition } from '@app/event-store';
import { CurrentActor, Roles } from '../http/auth';
import type { Runtime } from '@app/platform';
import { PROJECTIONS, freshnessOfMany, readCheckpoints } from '@app/read-models';
import { RUNTIME } from '@app/application';
import { Answer, projectionRebuiltAnswer, projectionRestartedAnswer, projectionsAnswer } from '../openapi/answers';

type ProjectionState = Answer<typeof projectionsAnswer>['projections'][number]['state'];

/** The projector's state: each projection's version, position, lag and health. */
@ApiTags('projections')
@ApiBearerAuth()
@Controller('api/projections')
export class ProjectionsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Roles('analyst', 'admin')
  @Get()
  @ApiOperation({ summary: 'Every projection: name, version, position, lag in events and seconds, state (running / resubscribing while the store subscription is broken, with why / failed with the failing event)' })
  @Answer(projectionsAnswer)
  async list(): Promise<Answer<typeof projectionsAnswer>> {
    const checkpoints = await readCheckpoints(this.runtime.db.pool);
    const cps = PROJECTIONS.map((p) => checkpoints.find((c) => c.name === p.name));
    const fresh = await freshnessOfMany(this.runtime.db.pool, this.runtime.store, PROJECTIONS.map((p, i) => ({ projection: p.name, position: cps[i]?.position ?? START })));
    const projections = PROJECTIONS.map((p, i) => {
      const cp = cps[i];
      return {
        name: p.name,
        version: p.version,
        state: (cp?.state ?? 'not started') as ProjectionState,
        position: cp ? formatPosition(cp.position) : null,
        lag: fresh[i]!.lag,
        error: (cp?.error ?? null) as Record<string, unknown> | null,
        updatedAt: cp?.updatedAt ?? null,
      };
    });
    return { projections };
  }

  @Roles('admin')
  @Post(':name/rebuild')
  @HttpCode(200)
  @ApiBody({ required: false, description: 'no body' })
  @ApiOperation({ summary: 'Rebuild blue/green (admin): build a fresh schema from the start of the log while the old serves, then switch' })
  @Answer(projectionRebuiltAnswer, { name: 'customer-360', version: 7, schema: 'rm_customer_360_v7_b', position: '1187/42', state: 'running' })
  async rebuild(@CurrentActor() actor: Actor, @Param('name') name: string, @Body() body: unknown): Promise<Answer<typeof projectionRebuiltAnswer>> {
    parseBody(emptyBody, body ?? {});
    const runner = this.runner(actor, name);
    const status = await runner.rebuild(name);
    return { name, version: status.version, schema: status.schema, position: formatPosition(status.position), state: status.state };
  }

  @Roles('admin')
  @Post(':name/restart')
  @HttpCode(200)
  @ApiBody({ required: false, description: 'no body' })
  @ApiOperation({ summary: 'Restart a projection stopped on a failed event (admin), from its checkpoint' })
  @Answer(projectionRestartedAnswer, { name: 'customer-360', state: 'running', position: '1187/42' })
  async restart(@CurrentActor() actor: Actor, @Param('name') name: string, @Body() body: unknown): Promise<Answer<typeof projectionRestartedAnswer>> {
    parseBody(emptyBody, body ?? {});
    const status = await this.runner(actor, name).restart(name);
    return { name, state: status.state, position: formatPosition(status.position) };
  }

  private runner(actor: Actor, name: string) {
    requireRole(actor, ['admin']);
    if (!PROJECTIONS.some((p) => p.name === name)) throw notFound('UNKNOWN_PROJECTION', `no projection ${name}`, { name });
    const runner = this.runtime.projector;
    if (!runner) {
      throw new ConflictException({ code: 'PROJECTOR_NOT_IN_PROCESS', message: 'the projector runs in another process here; run the operation there (campaignctl replay)' });
    }
    return runner;
  }
}
