import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Runtime } from '@app/platform';
import { ActOnBudgetHandler } from './budgets/budget.command';
import { ActOnCampaignHandler } from './campaigns/campaign.command';
import { DeductParticipantPointsHandler } from './campaigns/deduct-participant-points.command';
import { LaunchCampaignHandler } from './campaigns/launch-campaign.command';
import { ActOnVipCardHandler } from './cards/vip-card.command';
import { DecideOnStreamHandler } from './command-handling/decide-on-stream.command';
import { ActOnPointsHandler } from './points/points.command';
import { RecordInteractionHandler } from './interactions/record-interaction.command';
import { OrganisationDirectory } from './organisation/organisation.directory';
import { RUNTIME } from './runtime.token';
import { CommandMetrics } from './command-handling/command-metrics';

export const COMMAND_HANDLERS = [
  DecideOnStreamHandler,
  ActOnCampaignHandler,
  LaunchCampaignHandler,
  DeductParticipantPointsHandler,
  ActOnBudgetHandler,
  ActOnVipCardHandler,
  ActOnPointsHandler,
  RecordInteractionHandler,
];

/**
 * The use cases, for every process that changes the bank's history: the api (HTTP), the cli
 * (seed, bench) and the ingest (channel messages) import this module and send commands on its
 * CommandBus, so the same handlers run whichever door a command comes in by.
 */
@Module({})
export class ApplicationModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: ApplicationModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: RUNTIME, useValue: runtime }, OrganisationDirectory, CommandMetrics, ...COMMAND_HANDLERS],
      exports: [RUNTIME, OrganisationDirectory, CqrsModule],
    };
  }
}
