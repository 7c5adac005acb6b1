import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerDecider, customerStream, type CustomerCommand, type CustomerEvent } from '@app/domain';
import { handleCommand, type CommandContext, type HandledCommand } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

/** Any command on one customer's stream: contact policy and suitability are decided there. */
export class ActOnCustomer extends Command<HandledCommand<CustomerEvent>> {
  constructor(
    readonly command: CustomerCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ActOnCustomer)
export class ActOnCustomerHandler implements ICommandHandler<ActOnCustomer> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ command, context }: ActOnCustomer) {
    return handleCommand(this.runtime.store, customerStream(command.customerId), customerDecider, command, context);
  }
}
