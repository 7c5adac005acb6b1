import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { AuditController } from './audit/audit.controller';
import { BudgetReportsController } from './budgets/budget-reports.controller';
import { BudgetsController } from './budgets/budgets.controller';
import { CustomerReportsController } from './customers/customer-reports.controller';
import { ExceptionsController } from './supervision/exceptions.controller';
import { CrossSellingController } from './cross-selling/cross-selling.controller';
import { ActOnBudgetHandler } from './budgets/budget.command';
import { ActOnCampaignHandler } from './campaigns/campaign.command';
import { CampaignReportsController, GetCampaignEffectivenessHandler } from './campaigns/campaign-reports.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { DeductParticipantPointsHandler } from './campaigns/deduct-participant-points.command';
import { ProjectionsController } from './projections/projections.controller';
import { GetScorecardHandler, ScorecardsController } from './scorecards/scorecards.controller';
import { LaunchCampaignHandler } from './campaigns/launch-campaign.command';
import { CustomersController } from './customers/customers.controller';
import { PointsController } from './customers/points.controller';
import { ActOnVipCardHandler } from './customers/vip-card.command';
import { VipCardsController } from './customers/vip-cards.controller';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth';
import { Commands } from './http/commands';
import { DecideOnStreamHandler } from './http/decide-on-stream.command';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { InteractionsController } from './interactions/interactions.controller';
import { OrganisationController } from './organisation/organisation.controller';
import { OrganisationDirectory } from './organisation/organisation.directory';
import { RUNTIME } from './runtime.token';

/** The HTTP app; the runtime (database, event store) is made before Nest starts and handed in. */
@Module({})
export class AppModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      controllers: [
        HealthController,
        OrganisationController,
        CustomersController,
        VipCardsController,
        PointsController,
        InteractionsController,
        CampaignsController,
        CampaignReportsController,
        BudgetsController,
        ProjectionsController,
        ScorecardsController,
        CustomerReportsController,
        BudgetReportsController,
        ExceptionsController,
        CrossSellingController,
        AuditController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: EVENT_STORE, useValue: runtime.store },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        OrganisationDirectory,
        Commands,
        DecideOnStreamHandler,
        ActOnCampaignHandler,
        LaunchCampaignHandler,
        ActOnBudgetHandler,
        ActOnVipCardHandler,
        GetCampaignEffectivenessHandler,
        GetScorecardHandler,
        DeductParticipantPointsHandler,
      ],
      exports: [RUNTIME, EVENT_STORE],
    };
  }
}
