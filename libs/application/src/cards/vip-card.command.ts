import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStream, evolveQuota, registryEventsFor, vipCardDecider, vipCardRegistryStream, type CardQuota, type VipCardCommand, type VipCardEvent, type VipCardRegistryEvent } from '@app/domain';
import { appendDecisions, expectedFor, loadState, retryOnConflict, type CommandContext, type HandledCommand } from '../command-handling/handle-command';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

export class ActOnVipCard extends Command<HandledCommand<VipCardEvent>> {
  constructor(
    readonly command: VipCardCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const registry = {
  initialState: (): CardQuota => ({ holders: 0, special: 0 }),
  evolve: (q: CardQuota, e: VipCardRegistryEvent) => evolveQuota(q, e),
};

/**
 * Card events go on the customer's stream; the sub-branch's registry (holders, special places)
 * is written in the same append, with its own expected revision, so the 5% quota holds under races.
 */
@CommandHandler(ActOnVipCard)
export class ActOnVipCardHandler implements ICommandHandler<ActOnVipCard> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ command, context }: ActOnVipCard): Promise<HandledCommand<VipCardEvent>> {
    const { store } = this.runtime;
    return retryOnConflict(5, async () => {
      const customer = await loadState(store, customerStream(command.customerId), vipCardDecider);
      if (!customer.state.exists) vipCardDecider.decide(command, customer.state); // refuses: unknown customer
      const unitId = customer.state.homeUnitId;
      const quota = await loadState(store, vipCardRegistryStream(unitId), registry);
      const full = command.type === 'DecideSpecialCard' ? { ...command, quota: quota.state } : command;
      const events = vipCardDecider.decide(full, customer.state);
      const position = await appendDecisions(
        store,
        [
          { streamId: customerStream(command.customerId), events, expectedRevision: expectedFor(customer.revision) },
          { streamId: vipCardRegistryStream(unitId), events: registryEventsFor(events, unitId), expectedRevision: expectedFor(quota.revision) },
        ],
        context,
      );
      return { events, revision: customer.revision + events.length, position };
    });
  }
}
