import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Decider, DomainEvent } from '@app/domain';
import { handleCommand, type CommandContext, type HandledCommand } from './handle-command';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

/**
 * A command that one aggregate decides alone (most of them): read its stream, decide, append.
 * Commands that span aggregates (launch, budget splits, cards with their quota) have handlers of their own.
 */
export class DecideOnStream<C, S, E extends DomainEvent> extends Command<HandledCommand<E>> {
  constructor(
    readonly streamId: string,
    readonly decider: Decider<C, S, E>,
    readonly command: C,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DecideOnStream)
export class DecideOnStreamHandler implements ICommandHandler<DecideOnStream<unknown, unknown, DomainEvent>> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ streamId, decider, command, context }: DecideOnStream<unknown, unknown, DomainEvent>) {
    return handleCommand(this.runtime.store, streamId, decider, command, context);
  }
}
