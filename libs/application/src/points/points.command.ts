import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerDecider, customerStream, notFound, pointsDecider, pointsStream, type PointsCommand, type PointsEvent } from '@app/domain';
import type { Runtime } from '@app/platform';
import { handleCommand, loadState, type CommandContext, type HandledCommand } from '../command-handling/handle-command';
import { RUNTIME } from '../runtime.token';

/** Points feeds and redemptions, on the customer's points stream. */
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

  async execute({ command, context }: ActOnPoints): Promise<HandledCommand<PointsEvent>> {
    const { store } = this.runtime;
    // Points belong to a customer the bank has: the feeds may not invent one.
    const customer = await loadState(store, customerStream(command.customerId), customerDecider);
    if (customer.state.status === 'none') throw notFound('UNKNOWN_CUSTOMER', `no customer ${command.customerId}`, { customerId: command.customerId });
    return handleCommand(store, pointsStream(command.customerId), pointsDecider, command, context);
  }
}
