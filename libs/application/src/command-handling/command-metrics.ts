import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { commandLabel, type Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

/**
 * Counts every command sent on the CommandBus by type and outcome (runtime.metrics), whichever
 * door it came in by (api, ingest, cli): the bus's `execute` is wrapped once, at start.
 */
@Injectable()
export class CommandMetrics implements OnModuleInit {
  constructor(
    private readonly bus: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus);
    const metrics = this.runtime.metrics;
    this.bus.execute = ((command: object) => metrics.observeCommand(commandLabel(command), () => execute(command as never))) as CommandBus['execute'];
  }
}
