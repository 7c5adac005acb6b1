import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import type { Request } from 'express';
import { fold, type Actor, type Decider, type DomainEvent, type Organisation } from '@app/domain';
import { type CommandContext, type HandledCommand, OrganisationDirectory, recordingOf, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { commandContext } from './command-context';
import { commandResult, type CommandResult } from './command-result';

export type { DistributiveOmit } from '@app/domain';

/** What every domain command needs besides its own fields. */
export interface Issue {
  readonly org: Organisation;
  readonly by: Actor;
  readonly at: string;
  /** When the command is recorded, how far back staff may date it, an admin's correction reason (periods/business-time.ts). */
  readonly recordedAt: string;
  readonly graceDays: number;
  readonly correction?: string;
  readonly context: CommandContext;
}

/**
 * What a domain command carries of its issue: who, when, and what holds it to business time (the
 * recording time and the staff's grace: BACKDATED_TOO_FAR; an admin's correction reason for a closed
 * month). Every controller builds its commands with this, so no command skips the check.
 */
export function issued(issue: Issue): { by: Actor; at: string; recordedAt: string; graceDays: number; correction?: string } {
  return { by: issue.by, at: issue.at, recordedAt: issue.recordedAt, graceDays: issue.graceDays, ...(issue.correction !== undefined ? { correction: issue.correction } : {}) };
}

/** The controllers' one way to the write side: build the common part, send on the CommandBus, shape the answer. */
@Injectable()
export class Commands {
  constructor(
    private readonly bus: CommandBus,
    private readonly directory: OrganisationDirectory,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async issue(req: Request, actor: Actor, occurredAt?: string): Promise<Issue> {
    const context = { ...commandContext(req, actor, occurredAt), graceDays: this.runtime.config.backdateGraceDays };
    return { org: await this.directory.current(), by: actor, at: context.occurredAt, ...recordingOf(context), recordedAt: context.recordedAt ?? new Date().toISOString(), graceDays: context.graceDays, context };
  }

  /** For commands whose answer is more than a stream write (e.g. a launch's audience size). */
  execute<R>(command: Command<R>): Promise<R> {
    return this.bus.execute(command);
  }

  /**
   * Refuses now what the command would be refused: its decider on the stream as it stands, appending nothing.
   * For commands that keep a vault note before their append, so a refused caller writes no note.
   */
  async probe<C, S, E extends DomainEvent>(decider: Decider<C, S, E>, streamId: string, command: C): Promise<void> {
    const history = (await this.runtime.store.readStream(streamId)) as unknown as E[];
    decider.decide(command, fold(decider, history));
  }

  async send<E extends { type: string; data: unknown }>(command: Command<HandledCommand<E>>, id: string, streamId: string): Promise<CommandResult> {
    return commandResult(id, streamId, await this.bus.execute(command));
  }
}
