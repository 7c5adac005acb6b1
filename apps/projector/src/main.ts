import 'reflect-metadata';
import { runMain, startProjector } from '@app/platform';

/**
 * The projector process: follows the store's global stream and keeps the read models in
 * Postgres. On the embedded default the api runs the same projector in its own process.
 */
runMain('projector', async (runtime) => {
  await startProjector(runtime, { wait: true });
  return { close: async () => undefined };
});
