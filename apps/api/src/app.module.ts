import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { HealthController } from './health/health.controller';
import { RUNTIME } from './runtime.token';

/** The HTTP app; the runtime (database, event store) is made before Nest starts and handed in. */
@Module({})
export class AppModule {
  static register(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      controllers: [HealthController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: EVENT_STORE, useValue: runtime.store },
      ],
      exports: [RUNTIME, EVENT_STORE],
    };
  }
}
