import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { budgetDecider, budgetStream, type BudgetCommand, type BudgetEvent } from '@app/domain';
import { appendDecisions, expectedFor, handleCommand, loadState, retryOnConflict, type CommandContext, type HandledCommand } from '../command-handling/handle-command';
import type { Runtime } from '@app/platform';
import { RUNTIME } from '../runtime.token';

export class ActOnBudget extends Command<HandledCommand<BudgetEvent>> {
  constructor(
    readonly command: BudgetCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Budgets live on `org-<unitId>` streams. A split down the tree, and an approved change request,
 * touch two units (the parent's split and the child's allocation): both are decided and appended
 * together, so the children's sum can never exceed the parent's budget.
 */
@CommandHandler(ActOnBudget)
export class ActOnBudgetHandler implements ICommandHandler<ActOnBudget> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ command, context }: ActOnBudget): Promise<HandledCommand<BudgetEvent>> {
    const { store } = this.runtime;
    if (command.type === 'AllocateToChild' || command.type === 'DecideBudgetChange') {
      return retryOnConflict(5, () => this.acrossParentAndChild(command, context));
    }
    return handleCommand(store, budgetStream(command.unitId), budgetDecider, command, context);
  }

  private async acrossParentAndChild(command: BudgetCommand, context: CommandContext): Promise<HandledCommand<BudgetEvent>> {
    const { store } = this.runtime;
    const common = { org: command.org, at: command.at, by: command.by };
    const isSplit = command.type === 'AllocateToChild';
    const childId = isSplit ? command.childUnitId : command.unitId;
    const parentId = isSplit ? command.unitId : (command.org.units.get(childId)?.parentId ?? '');
    const parent = await loadState(store, budgetStream(parentId), budgetDecider);
    const child = await loadState(store, budgetStream(childId), budgetDecider);
    let parentEvents: readonly BudgetEvent[];
    let childEvents: readonly BudgetEvent[];
    if (isSplit) {
      parentEvents = budgetDecider.decide(command, parent.state);
      childEvents = budgetDecider.decide({ ...common, type: 'ReceiveAllocation', unitId: childId, year: command.year, amount: command.amount, fromUnitId: parentId }, child.state);
    } else {
      childEvents = budgetDecider.decide(command, child.state);
      const allocated = childEvents.find((e) => e.type === 'BudgetAllocated');
      // The approver speaks for the parent: the new amount must fit in what the parent has left.
      parentEvents = allocated
        ? budgetDecider.decide({ ...common, type: 'AllocateToChild', unitId: parentId, year: allocated.data.year, childUnitId: childId, amount: allocated.data.amount }, parent.state)
        : [];
    }
    const position = await appendDecisions(
      store,
      [
        { streamId: budgetStream(parentId), events: parentEvents, expectedRevision: expectedFor(parent.revision) },
        { streamId: budgetStream(childId), events: childEvents, expectedRevision: expectedFor(child.revision) },
      ],
      context,
    );
    const [events, revision] = isSplit ? [parentEvents, parent.revision + parentEvents.length] : [childEvents, child.revision + childEvents.length];
    return { events: [...events, ...(isSplit ? childEvents : parentEvents)], revision, position };
  }
}
