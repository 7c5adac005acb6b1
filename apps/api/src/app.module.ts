import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ApplicationModule } from '@app/application';
import type { Runtime } from '@app/platform';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { OidcController } from './auth/oidc.controller';
import { AudiencesController } from './audiences/audiences.controller';
import { InboxController } from './inbox/inbox.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { CalendarController, FollowUpController } from './campaigns/follow-up.controller';
import { CallListController } from './call-list/call-list.controller';
import { BudgetReportsController } from './budgets/budget-reports.controller';
import { BudgetsController } from './budgets/budgets.controller';
import { CustomerReportsController } from './customers/customer-reports.controller';
import { ExceptionsController } from './supervision/exceptions.controller';
import { CrossSellingController } from './cross-selling/cross-selling.controller';
import { CampaignReportsController, GetCampaignEffectivenessHandler } from './campaigns/campaign-reports.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { PlanDocumentsController } from './campaigns/plan-documents.controller';
import { ProjectionsController } from './projections/projections.controller';
import { GetScorecardHandler, ScorecardsController } from './scorecards/scorecards.controller';
import { CustomersController } from './customers/customers.controller';
import { PointsController } from './customers/points.controller';
import { VipCardsController } from './customers/vip-cards.controller';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth';
import { Commands } from './http/commands';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { InteractionsController } from './interactions/interactions.controller';
import { OrganisationController } from './organisation/organisation.controller';

/** The HTTP app: transport over the application's use cases; the runtime (database, event store) is made before Nest starts and handed in. */
@Module({})
export class AppModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [ApplicationModule.register(runtime)],
      controllers: [
        HealthController,
        OrganisationController,
        CustomersController,
        VipCardsController,
        PointsController,
        InteractionsController,
        CampaignsController,
        PlanDocumentsController,
        AudiencesController,
        InboxController,
        NotificationsController,
        FollowUpController,
        CalendarController,
        CallListController,
        CampaignReportsController,
        BudgetsController,
        ProjectionsController,
        ScorecardsController,
        CustomerReportsController,
        BudgetReportsController,
        ExceptionsController,
        CrossSellingController,
        AuditController,
        AuthController,
        OidcController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        Commands,
        GetCampaignEffectivenessHandler,
        GetScorecardHandler,
      ],
    };
  }
}
