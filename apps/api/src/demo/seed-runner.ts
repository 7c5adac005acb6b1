import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { Runtime } from '@app/platform';
import { AppModule } from '../app.module';
import { seedDemo, type SeedOptions, type SeedProgress, type SeedReport } from './seed';

/** Seeds through the API's own command handlers, without an HTTP server (for the CLI). */
export async function seedWithHandlers(runtime: Runtime, options: SeedOptions, onProgress?: (p: SeedProgress) => void): Promise<SeedReport> {
  const app = await NestFactory.createApplicationContext(AppModule.register(runtime), { logger: false });
  try {
    return await seedDemo(runtime, app.get(CommandBus), options, onProgress);
  } finally {
    await app.close();
  }
}
