import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { Runtime } from '@app/platform';
import { ApplicationModule } from './application.module';
import { OrganisationDirectory } from './organisation/organisation.directory';

/** The use cases without an HTTP server (cli, ingest): their CommandBus and organisation directory. */
export interface ApplicationContext {
  readonly commands: CommandBus;
  readonly directory: OrganisationDirectory;
  close(): Promise<void>;
}

export async function startApplication(runtime: Runtime): Promise<ApplicationContext> {
  const app = await NestFactory.createApplicationContext(ApplicationModule.register(runtime), { logger: false });
  return { commands: app.get(CommandBus), directory: app.get(OrganisationDirectory), close: () => app.close() };
}
