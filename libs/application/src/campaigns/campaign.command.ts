import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  budgetDecider,
  budgetStream,
  campaignDecider,
  closeTime,
  campaignStream,
  customerDecider,
  customerStream,
  type CampaignCommand,
  type CampaignEvent,
} from '@app/domain';
import {
  appendDecisions,
  expectedFor,
  handleCommand,
  loadState,
  retryOnConflict,
  type CommandContext,
  type HandledCommand,
} from '../command-handling/handle-command';
import type { Runtime } from '@app/platform';
import { campaignEffectivenessProjection, campaignParticipantCount, waitForProjection, withReadModels } from '@app/read-models';
import { RUNTIME } from '../runtime.token';

/** When a campaign was launched: its CampaignLaunched event's business time (null: never launched). */
async function launchTimeOf(store: Runtime['store'], campaignId: string): Promise<string | null> {
  const events = await store.readStream(campaignStream(campaignId));
  return events.find((e) => e.type === 'CampaignLaunched')?.metadata.occurredAt ?? null;
}

/** How long completing waits for the campaign read model to have seen every participation so far. */
const READ_MODEL_WAIT_MS = 10_000;

/** Draft, submit, approve, reject, record feedback: one stream, no other aggregate involved. */
export class ActOnCampaign extends Command<HandledCommand<CampaignEvent>> {
  constructor(
    readonly command: CampaignCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ActOnCampaign)
export class ActOnCampaignHandler implements ICommandHandler<ActOnCampaign> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ command, context }: ActOnCampaign): Promise<HandledCommand<CampaignEvent>> {
    const { store } = this.runtime;
    if ((command.type === 'RecordCampaignCost' || command.type === 'RecordCampaignFeedback') && command.customerId !== null) {
      // Whether the customer took part is known on their own stream.
      const { state } = await loadState(store, customerStream(command.customerId), customerDecider);
      const customerGroup = state.enrolments.get(command.campaignId) ?? null;
      const facts = command.type === 'RecordCampaignCost' ? { customerGroup, customerTookPart: state.participations.has(command.campaignId) } : { customerGroup };
      if (command.type === 'RecordCampaignFeedback' && customerGroup === 'treatment' && command.comment !== '') {
        // A customer's words are personal data: into the vault under their key, erased with them.
        const commentNote = `feedback:${command.feedbackId}:comment`;
        // Kept before the append (taken back if refused): a crash in between never leaves an event without its note.
        return this.runtime.vault.notes.around(command.customerId, [[commentNote, command.comment]], () =>
          handleCommand(store, campaignStream(command.campaignId), campaignDecider, { ...command, ...facts, comment: '', commentNote }, context),
        );
      }
      if (command.type === 'RecordCampaignCost' && command.description !== '') {
        // What a cost for one customer was (a gift, a voucher for a relative) is about them: their vault.
        const descriptionNote = `cost:${command.costId}:description`;
        return this.runtime.vault.notes.around(command.customerId, [[descriptionNote, command.description]], () =>
          handleCommand(store, campaignStream(command.campaignId), campaignDecider, { ...command, ...facts, description: '', descriptionNote }, context),
        );
      }
      return handleCommand(store, campaignStream(command.campaignId), campaignDecider, { ...command, ...facts }, context);
    }
    if (command.type === 'CompleteCampaign') {
      // Counted only for a running campaign: any other is refused by the decider without it.
      const { state } = await loadState(store, campaignStream(command.campaignId), campaignDecider);
      const participantCount = state.status === 'launched' ? await this.participantCount(command.campaignId) : 0;
      return this.closeAndRelease({ ...command, participantCount }, context);
    }
    if (command.type === 'CancelCampaign') return this.closeAndRelease(command, context);
    if (command.type === 'SubmitCampaign') {
      // The document is kept outside the log: what was uploaded under that id (and for which campaign) is passed in.
      const found = await this.runtime.planDocuments.find(command.planDocumentId);
      return handleCommand(store, campaignStream(command.campaignId), campaignDecider, { ...command, planDocument: found }, context);
    }
    return handleCommand(store, campaignStream(command.campaignId), campaignDecider, command, context);
  }

  /**
   * The treatment customers who took part so far: recorded on their own streams, counted in the
   * campaign read model once it has seen everything written until now.
   */
  private async participantCount(campaignId: string): Promise<number> {
    const { store, db } = this.runtime;
    const head = await store.headPosition();
    if (head && !(await waitForProjection(db.pool, campaignEffectivenessProjection.name, head, READ_MODEL_WAIT_MS))) {
      throw new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: 'the campaign read model is catching up; try completing again shortly' });
    }
    return withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignParticipantCount(rm, campaignId));
  }

  /** Completing or cancelling a launched campaign returns what it did not spend to its unit's budget, atomically. */
  private closeAndRelease(command: CampaignCommand, context: CommandContext): Promise<HandledCommand<CampaignEvent>> {
    const { store } = this.runtime;
    return retryOnConflict(5, async () => {
      const campaign = await loadState(store, campaignStream(command.campaignId), campaignDecider);
      // The launch's business time, for the decider's "not closed before it was launched" (not kept in the state).
      const launchedAt = campaign.state.status === 'launched' ? await launchTimeOf(store, command.campaignId) : null;
      // An undated close right after a launch dated ahead of this server's clock happens at the launch (closeTime).
      const at = closeTime(command, launchedAt);
      const events = campaignDecider.decide({ ...command, at, launchedAt } as CampaignCommand, campaign.state);
      const closing = events.find((e) => e.type === 'CampaignCompleted' || e.type === 'CampaignCancelled');
      const released = closing ? (closing.data as { budgetReleased: string }).budgetReleased : '0.00';
      const ownerUnitId = campaign.state.plan!.ownerUnitId;
      const budget = await loadState(store, budgetStream(ownerUnitId), budgetDecider);
      const budgetEvents = budgetDecider.decide(
        { type: 'ReleaseBudget', unitId: ownerUnitId, campaignId: command.campaignId, amount: released, org: command.org, at, by: command.by },
        budget.state,
      );
      const position = await appendDecisions(
        store,
        [
          { streamId: campaignStream(command.campaignId), events, expectedRevision: expectedFor(campaign.revision) },
          { streamId: budgetStream(ownerUnitId), events: budgetEvents, expectedRevision: expectedFor(budget.revision) },
        ],
        at === command.at ? context : { ...context, occurredAt: at },
      );
      return { events, revision: campaign.revision + events.length, position };
    });
  }
}
