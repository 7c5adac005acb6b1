import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ORGANISATION_STREAM, organisationDecider, type OrganisationCommand, type OrganisationEvent } from '@app/domain';
import { handleCommand, type CommandContext, type HandledCommand } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

export class ChangeOrganisation extends Command<HandledCommand<OrganisationEvent>> {
  constructor(
    readonly command: OrganisationCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeOrganisation)
export class ChangeOrganisationHandler implements ICommandHandler<ChangeOrganisation> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ command, context }: ChangeOrganisation) {
    return handleCommand(this.runtime.store, ORGANISATION_STREAM, organisationDecider, command, context);
  }
}
