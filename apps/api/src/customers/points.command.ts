import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { pointsDecider, pointsStream, type PointsCommand, type PointsEvent } from '@app/domain';
import { handleCommand, type CommandContext, type HandledCommand } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

export class ActOnPoints extends Command<HandledCommand<PointsEvent>> {
  constructor(
    readonly command: PointsCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ActOnPoints)
export class ActOnPointsHandler implements ICommandHandler<ActOnPoints> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ command, context }: ActOnPoints) {
    return handleCommand(this.runtime.store, pointsStream(command.customerId), pointsDecider, command, context);
  }
}
