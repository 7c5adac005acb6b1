import { Controller, Get, Inject } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { formatPosition } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { PROJECTIONS, freshness, readCheckpoints } from '@app/read-models';
import { RUNTIME } from '../runtime.token';

/** The projector's state: each projection's version, position, lag and health. */
@ApiTags('projections')
@ApiHeader({ name: 'X-Actor-Id', description: 'the acting staff member', required: true })
@Controller('api/projections')
export class ProjectionsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @ApiOperation({ summary: 'Every projection: name, version, position, lag in events and seconds, state (running / failed with the failing event)' })
  async list() {
    const checkpoints = await readCheckpoints(this.runtime.db.pool);
    const projections = await Promise.all(
      PROJECTIONS.map(async (p) => {
        const cp = checkpoints.find((c) => c.name === p.name);
        const f = await freshness(this.runtime.db.pool, this.runtime.store, p.name);
        return {
          name: p.name,
          version: p.version,
          state: cp?.state ?? 'not started',
          position: cp ? formatPosition(cp.position) : null,
          lag: f.lag,
          error: cp?.error ?? null,
          updatedAt: cp?.updatedAt ?? null,
        };
      }),
    );
    return { projections };
  }
}
