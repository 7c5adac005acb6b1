import { startApplication } from '@app/application';
import type { Runtime } from '@app/platform';
import { seedDemo, type SeedOptions, type SeedProgress, type SeedReport } from './seed';

/** Seeds through the application's command handlers, without an HTTP server (for the CLI). */
export async function seedWithHandlers(runtime: Runtime, options: SeedOptions, onProgress?: (p: SeedProgress) => void): Promise<SeedReport> {
  const app = await startApplication(runtime);
  try {
    return await seedDemo(runtime, app.commands, options, onProgress);
  } finally {
    await app.close();
  }
}
