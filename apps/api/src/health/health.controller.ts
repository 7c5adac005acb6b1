import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { formatPosition } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { Public } from '../http/auth';
import { RUNTIME } from '@app/application';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the event store answers; reports its kind and last global position' })
  @ApiOkResponse({ schema: { example: { status: 'ready', store: { kind: 'postgres', position: '1042/7', globalPosition: '7' } } } })
  @ApiServiceUnavailableResponse({ description: 'The event store cannot be reached' })
  async ready() {
    const { store } = this.runtime;
    try {
      const head = await store.headPosition();
      return {
        status: 'ready',
        store: {
          kind: store.kind,
          position: head ? formatPosition(head) : null,
          globalPosition: head ? head.prepare.toString() : '0',
        },
      };
    } catch (err) {
      throw new ServiceUnavailableException({ code: 'STORE_UNREACHABLE', message: `event store (${store.kind}) unreachable: ${(err as Error).message}` });
    }
  }
}
